// Command-line parsing: GNU-style long options (--name value, --name=value), a few short ones,
// "--" to end options, "-" as a positional argument (standard input).
#include "cli.hpp"

namespace mxcli {

const std::vector<OptSpec>& global_options() {
  static const std::vector<OptSpec> g{
      {"json", 0, false},
      {"gateway", 0, true},
      {"token-file", 0, true},
      {"help", 'h', false},
  };
  return g;
}

std::optional<std::string> Args::get(const std::string& name) const {
  const auto it = opts.find(name);
  if (it == opts.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::vector<std::string> Args::all(const std::string& name) const {
  const auto it = opts.find(name);
  return it == opts.end() ? std::vector<std::string>{} : it->second;
}

Args parse_args(const std::string& command, const std::vector<std::string>& argv, const std::vector<OptSpec>& spec) {
  std::vector<OptSpec> all = global_options();
  all.insert(all.end(), spec.begin(), spec.end());
  const std::string see = " (see: mxscope " + command + " --help)";
  Args a;
  a.command = command;
  bool options_done = false;
  for (std::size_t i = 0; i < argv.size(); ++i) {
    const std::string& arg = argv[i];
    if (options_done || arg == "-" || arg.empty() || arg[0] != '-') {
      a.positional.push_back(arg);
      continue;
    }
    if (arg == "--") {
      options_done = true;
      continue;
    }
    const OptSpec* found = nullptr;
    std::optional<std::string> inline_value;
    std::string shown;
    if (arg.starts_with("--")) {
      std::string name = arg.substr(2);
      if (const auto eq = name.find('='); eq != std::string::npos) {
        inline_value = name.substr(eq + 1);
        name = name.substr(0, eq);
      }
      shown = "--" + name;
      for (const auto& o : all)
        if (o.name == name) found = &o;
    } else {
      if (arg.size() != 2) usage_error("unknown option '" + arg + "'" + see);
      shown = arg;
      for (const auto& o : all)
        if (o.short_name == arg[1]) found = &o;
    }
    if (!found) usage_error("unknown option '" + shown + "'" + see);
    std::string value;
    if (found->takes_value) {
      if (inline_value) value = *inline_value;
      else if (i + 1 < argv.size()) value = argv[++i];
      else usage_error("option " + shown + " needs a value" + see);
    } else if (inline_value) {
      usage_error("option " + shown + " takes no value" + see);
    }
    a.opts[found->name].push_back(value);
  }
  return a;
}

}  // namespace mxcli
