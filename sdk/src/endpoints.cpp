// The client-server API table: (method, path) -> request. Anything not listed is unknown, and
// unknown is denied to subtokens by the callers (gateway, widget host).
#include <array>
#include <vector>

#include "mxscope/matrix.hpp"

namespace mxscope {

namespace {

// A path pattern over the segments after the API prefix. `{room}`, `{type}`, `{key}` capture;
// `*` matches one segment; a trailing `**` matches the rest.
struct Route {
  std::string_view method;  // "GET", "PUT", ... or "*"
  std::string_view api;     // "client" or "media"
  std::string_view pattern;
  Action action;
  bool root_only_marker = false;  // documents intent; the action carries it
};

using enum Action;
constexpr std::array routes{
    Route{"GET", "client", "sync", read_timeline},
    Route{"GET", "client", "rooms/{room}/messages", read_timeline},
    Route{"GET", "client", "rooms/{room}/context/*", read_timeline},
    Route{"GET", "client", "rooms/{room}/event/*", read_timeline},
    Route{"GET", "client", "rooms/{room}/relations/**", read_timeline},
    Route{"GET", "client", "rooms/{room}/threads", read_timeline},
    Route{"GET", "client", "rooms/{room}/initialSync", read_timeline},
    Route{"GET", "client", "rooms/{room}/state", read_state},
    Route{"GET", "client", "rooms/{room}/state/{type}", read_state},
    Route{"GET", "client", "rooms/{room}/state/{type}/{key}", read_state},
    Route{"GET", "client", "rooms/{room}/members", read_state},
    Route{"GET", "client", "rooms/{room}/joined_members", read_state},
    Route{"GET", "client", "joined_rooms", read_state},
    // Reads across rooms: the enforcement point filters the answer to the token's rooms.
    Route{"GET", "client", "publicRooms", read_state},
    Route{"POST", "client", "publicRooms", read_state},
    Route{"POST", "client", "search", read_timeline},
    Route{"GET", "client", "notifications", read_timeline},
    Route{"PUT", "client", "rooms/{room}/send/{type}/*", send_event},
    Route{"PUT", "client", "rooms/{room}/state/{type}", send_state},
    Route{"PUT", "client", "rooms/{room}/state/{type}/{key}", send_state},
    Route{"PUT", "client", "rooms/{room}/redact/*/*", redact},
    Route{"POST", "client", "rooms/{room}/redact/*", redact},
    Route{"POST", "client", "join/{room}", join},
    Route{"POST", "client", "rooms/{room}/join", join},
    Route{"POST", "client", "rooms/{room}/leave", leave},
    Route{"POST", "client", "rooms/{room}/forget", leave},
    Route{"POST", "client", "rooms/{room}/invite", invite},
    Route{"POST", "client", "rooms/{room}/kick", kick},
    Route{"POST", "client", "rooms/{room}/ban", ban},
    Route{"POST", "client", "rooms/{room}/unban", ban},
    Route{"PUT", "client", "rooms/{room}/typing/*", typing},
    Route{"POST", "client", "rooms/{room}/receipt/*/*", receipts},
    Route{"POST", "client", "rooms/{room}/receipt/*/*/*", receipts},
    Route{"POST", "client", "rooms/{room}/read_markers", receipts},
    Route{"GET", "client", "user/*/rooms/{room}/account_data/*", read_room_account_data},
    Route{"PUT", "client", "user/*/rooms/{room}/account_data/*", write_room_account_data},
    Route{"POST", "media", "upload", upload_media},
    Route{"PUT", "media", "upload/*/*", upload_media},
    Route{"POST", "media", "create", upload_media},
    Route{"GET", "media", "config", upload_media},
    Route{"GET", "client", "media/config", upload_media},
    Route{"GET", "media", "download/**", download_media},
    Route{"GET", "media", "thumbnail/**", download_media},
    Route{"GET", "client", "media/download/**", download_media},
    Route{"GET", "client", "media/thumbnail/**", download_media},
    Route{"GET", "client", "account/whoami", identity},
    Route{"GET", "client", "capabilities", identity},
    Route{"GET", "client", "profile/*", identity},
    Route{"GET", "client", "profile/*/*", identity},
    Route{"POST", "client", "user/*/filter", identity},
    Route{"GET", "client", "user/*/filter/*", identity},
    Route{"GET", "client", "pushrules", identity},
    Route{"GET", "client", "pushrules/**", identity},
    Route{"POST", "client", "user/*/openid/request_token", openid},
    Route{"PUT", "client", "sendToDevice/{type}/*", send_to_device},
    Route{"POST", "client", "user_directory/search", user_directory},
    Route{"GET", "client", "voip/turnServer", turn_servers},
    // Root-only: the account itself.
    Route{"*", "client", "account/password", account, true},
    Route{"*", "client", "account/deactivate", account, true},
    Route{"*", "client", "account/3pid", account, true},
    Route{"*", "client", "account/3pid/**", account, true},
    Route{"*", "client", "devices", account, true},
    Route{"*", "client", "devices/**", account, true},
    Route{"*", "client", "delete_devices", account, true},
    Route{"*", "client", "keys/**", account, true},
    Route{"*", "client", "room_keys/**", account, true},
    Route{"*", "client", "login/get_token", account, true},
    Route{"*", "client", "logout", account, true},
    Route{"*", "client", "logout/all", account, true},
    Route{"*", "client", "user/*/account_data/*", account, true},
    Route{"*", "client", "pushrules/**", account, true},
    Route{"*", "client", "admin/**", account, true},
    Route{"*", "client", "refresh", account, true},
};

// Endpoints that take no access token at all.
constexpr std::array<std::string_view, 6> open_paths{"versions", "login", "register", "register/available",
                                                     "login/sso/redirect", "auth_metadata"};

bool percent_decode(std::string_view in, std::string& out) {
  out.clear();
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) return false;
    auto hex = [](char c) {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = hex(in[i + 1]), lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0) return false;
    const char c = static_cast<char>(hi * 16 + lo);
    if (c == '\0') return false;
    out += c;
    i += 2;
  }
  return true;
}

std::vector<std::string_view> split(std::string_view s) {
  std::vector<std::string_view> out;
  while (true) {
    const std::size_t slash = s.find('/');
    out.push_back(s.substr(0, slash));
    if (slash == std::string_view::npos) break;
    s.remove_prefix(slash + 1);
  }
  return out;
}

// Walks the pattern without allocating: this runs for every row on every request.
bool match(const Route& route, const std::vector<std::string>& segs, Request& req) {
  std::string_view pat = route.pattern;
  std::size_t i = 0;
  while (true) {
    const std::size_t slash = pat.find('/');
    const std::string_view p = pat.substr(0, slash);
    if (p == "**") return i < segs.size();  // at least one segment
    if (i >= segs.size()) return false;
    if (p == "{room}") req.room_id = segs[i];
    else if (p == "{type}") req.event_type = segs[i];
    else if (p == "{key}") req.key = segs[i];
    else if (p != "*" && p != segs[i]) return false;
    ++i;
    if (slash == std::string_view::npos) break;
    pat.remove_prefix(slash + 1);
  }
  return i == segs.size();
}

}  // namespace

EndpointMatch map_endpoint(std::string_view method, std::string_view path) {
  EndpointMatch m;
  path = path.substr(0, path.find('?'));
  std::string_view api;
  for (std::string_view prefix : {"/_matrix/client/", "/_matrix/media/"}) {
    if (path.starts_with(prefix)) {
      api = prefix == "/_matrix/client/" ? "client" : "media";
      path.remove_prefix(prefix.size());
    }
  }
  if (api.empty()) return m;  // not the client-server API: unknown
  const std::size_t slash = path.find('/');
  const std::string_view version = path.substr(0, slash);
  if (version != "r0" && version != "v3" && version != "v1" && version != "unstable") {
    if (version == "versions" && slash == std::string_view::npos) m.kind = EndpointMatch::Kind::open;
    return m;
  }
  path = slash == std::string_view::npos ? std::string_view() : path.substr(slash + 1);
  if (!path.empty() && path.back() == '/') path.remove_suffix(1);

  std::vector<std::string> segs;
  for (auto raw : split(path)) {
    std::string seg;
    if (!percent_decode(raw, seg)) return m;  // undecodable: unknown, denied to subtokens
    // "..", "." and empty segments could be normalised by a proxy or server into another
    // endpoint than the one mapped here (media/download/x/../../v3/room_keys/keys): unknown.
    if (seg.empty() || seg == "." || seg == "..") return m;
    segs.push_back(std::move(seg));
  }
  std::string joined;
  for (const auto& s : segs) joined += (joined.empty() ? "" : "/") + s;
  if (api == "client") {
    for (auto p : open_paths)
      if (joined == p && method != "PUT" && method != "DELETE") {
        m.kind = EndpointMatch::Kind::open;
        return m;
      }
  }
  for (const auto& route : routes) {
    if (route.api != api || (route.method != "*" && route.method != method)) continue;
    Request req{route.action, {}, {}, {}};
    if (!match(route, segs, req)) continue;
    if (req.action == send_event && req.event_type == "m.room.message") {
      req.action = send_message;
      m.needs_msgtype = true;
    }
    if (req.action == send_event && req.event_type == "m.room.redaction") {
      req.action = redact;  // a redaction sent as an event is still a deletion
      req.event_type.reset();
    }
    if (req.action == read_state && (route.pattern.ends_with("members")))
      req.event_type = "m.room.member";
    if (req.event_type && (req.action == send_state || req.action == read_state) && !req.key &&
        route.pattern.ends_with("{type}"))
      req.key = "";  // /state/{type} addresses the empty state key
    m.kind = EndpointMatch::Kind::request;
    m.request = std::move(req);
    return m;
  }
  return m;
}

}  // namespace mxscope
