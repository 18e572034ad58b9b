/// @file
/// mxscope — plain-language descriptions of what a token (or a requested scope) allows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mxscope/actions.hpp"
#include "mxscope/scope.hpp"

namespace mxscope {

/// What a sentence is about, so a UI can group, order or style it:
/// - `permission`: one thing the holder may do (one line per action, or per event pattern when narrowed);
/// - `rooms`: reserved for lines about rooms; describe() does not produce it today;
/// - `time`: the validity window (not valid until, expires in, expired, never expires);
/// - `name`: the attribution label (Scope::name);
/// - `delegation`: whether the holder can make further subtokens (sealed or not);
/// - `account`: full access to the account (a full-account root only).
enum class SentenceKind { permission, rooms, time, name, delegation, account };

/// The stable snake_case name of a sentence kind ("permission", "time", ...), as JSON and JS use it.
std::string_view sentence_kind_name(SentenceKind kind) noexcept;

/// One line a person reads, with how risky it is.
struct Sentence {
  SentenceKind kind;  ///< what the line is about
  Risk risk;          ///< how risky this line is; room-wide powers over every room are at least Risk::high
  std::string text;   ///< the sentence in the requested language; wording may change between releases
  std::optional<Action> action;        ///< the action a permission line is about
  std::optional<EventPattern> pattern; ///< the event pattern it is about, if narrowed
};

/// Inputs that shape the wording of describe(), never which permissions it lists.
struct DescribeOptions {
  std::int64_t now = 0;                           ///< unix seconds, for "expires in ..."
  std::map<std::string, std::string> room_names;  ///< room id -> display name
  std::string language = "en";                    ///< catalogue language (English today; others fall back to it)
};

/// The sentences for a scope, in a stable order: account, permissions (table order), time, name,
/// delegation. Permission lines say exactly what `authorize` would allow for that scope.
/// Root-only actions and, when the scope allows no room at all, room actions are not listed.
std::vector<Sentence> describe(const Scope& scope, const DescribeOptions& options);

}  // namespace mxscope
