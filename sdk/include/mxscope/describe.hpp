// mxscope — plain-language descriptions of what a token (or a requested scope) allows.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "mxscope/actions.hpp"
#include "mxscope/scope.hpp"

namespace mxscope {

/// What a sentence is about, so a UI can group, order or style it.
enum class SentenceKind { permission, rooms, time, name, delegation, account };

/// One line a person reads, with how risky it is.
struct Sentence {
  SentenceKind kind;
  Risk risk;
  std::string text;
  std::optional<Action> action;        ///< the action a permission line is about
  std::optional<EventPattern> pattern; ///< the event pattern it is about, if narrowed
};

struct DescribeOptions {
  std::int64_t now = 0;                           ///< unix seconds, for "expires in ..."
  std::map<std::string, std::string> room_names;  ///< room id -> display name
  std::string language = "en";                    ///< catalogue language (English today)
};

/// The sentences for a scope, in a stable order: account, permissions (table order), time, name,
/// delegation. Permission lines say exactly what `authorize` would allow for that scope.
std::vector<Sentence> describe(const Scope& scope, const DescribeOptions& options);

}  // namespace mxscope
