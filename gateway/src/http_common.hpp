// Pieces of HTTP/1.1 that the server (http_server.cpp), the upstream client (upstream.cpp) and
// the request handling (gateway.cpp) share.
#pragma once

#include <string>
#include <string_view>

namespace mxgw::http {

// The value of a hexadecimal digit, or -1.
int hexval(char c);
// Percent-decodes a query component ('+' is a space). Invalid escapes are kept as they are.
std::string query_decode(std::string_view s);
// ASCII case-insensitive equality (header names, tokens).
bool iequals(std::string_view a, std::string_view b);

enum class Sent { ok, timeout, error };
// Writes head then body on a blocking socket, one sendmsg per attempt (no SIGPIPE). `timeout`:
// the socket's SO_SNDTIMEO passed without progress.
Sent send_all(int fd, std::string_view head, std::string_view body);

}  // namespace mxgw::http
