// Logging to stderr. Callers never pass secrets: no token text, key, query string or body.
#pragma once

#include <string>
#include <string_view>

namespace mxgw::log {

enum class Level { debug = 0, info = 1, warn = 2, error = 3 };

void set_level(std::string_view level);
bool enabled(Level level);
void write(Level level, std::string_view message);

inline void debug(std::string_view m) { if (enabled(Level::debug)) write(Level::debug, m); }
inline void info(std::string_view m) { if (enabled(Level::info)) write(Level::info, m); }
inline void warn(std::string_view m) { write(Level::warn, m); }
inline void error(std::string_view m) { write(Level::error, m); }

}  // namespace mxgw::log
