#include "crypto.hpp"
#include "mxscope/mxscope.hpp"

namespace mxscope {
void init() { detail::ensure_sodium(); }
}  // namespace mxscope
