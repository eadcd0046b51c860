// The YAML reporter (-o yaml, as kubectl users type it): the JSON report,
// "pullscan.report/v1", in YAML's block style. It is made from the JSON
// text itself, so the two can never differ in content: every JSON string
// becomes a YAML double-quoted scalar with the very same escapes (YAML's
// double-quoted style is a superset of JSON's), so a name like `yes`, `null`
// or `1.0` stays a string and a control byte stays escaped; numbers, true,
// false and null are written as they are. Keys that are plain words are
// written bare, as kubectl does.
#include <sstream>

#include "core/text.h"
#include "report/report.h"

namespace pullscan {
namespace {

class YamlFromJson {
 public:
  YamlFromJson(std::string_view json, std::string& out) : in_(json), out_(out) {}

  // Converts the one value of the input. False if the input is not JSON
  // (never so for the reporters' own output).
  bool convert() {
    skip_space();
    if (!value(0, Context::top)) return false;
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    skip_space();
    return pos_ == in_.size();
  }

 private:
  // Where a value is written: alone (the document), after `key:`, or after `- `.
  enum class Context { top, after_key, list_item };

  void skip_space() {
    while (pos_ < in_.size() && (in_[pos_] == ' ' || in_[pos_] == '\n' || in_[pos_] == '\r' || in_[pos_] == '\t')) ++pos_;
  }
  bool at(char c) {
    skip_space();
    return pos_ < in_.size() && in_[pos_] == c;
  }
  void indent(size_t depth) { out_.append(depth * 2, ' '); }

  // A JSON string, as it was written: a valid YAML double-quoted scalar.
  // YAML does not allow U+FFFE and U+FFFF raw; they are escaped.
  bool string_token(std::string& token) {
    if (pos_ >= in_.size() || in_[pos_] != '"') return false;
    token = "\"";
    for (++pos_; pos_ < in_.size(); ++pos_) {
      const char c = in_[pos_];
      if (c == '\\') {
        if (pos_ + 1 >= in_.size()) return false;
        token += c;
        token += in_[++pos_];
        continue;
      }
      if (c == '"') {
        ++pos_;
        token += '"';
        return true;
      }
      if (static_cast<unsigned char>(c) == 0xEF && pos_ + 2 < in_.size() && static_cast<unsigned char>(in_[pos_ + 1]) == 0xBF &&
          (static_cast<unsigned char>(in_[pos_ + 2]) == 0xBE || static_cast<unsigned char>(in_[pos_ + 2]) == 0xBF)) {
        token += static_cast<unsigned char>(in_[pos_ + 2]) == 0xBE ? "\\uFFFE" : "\\uFFFF";
        pos_ += 2;
        continue;
      }
      token += c;
    }
    return false;
  }

  // A key of letters, digits and `_` is written bare; any other stays quoted.
  static std::string key_text(const std::string& quoted) {
    std::string_view body(quoted);
    body = body.substr(1, body.size() - 2);
    bool bare = !body.empty() && !(body[0] >= '0' && body[0] <= '9');
    for (char c : body) bare &= (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
    // YAML 1.1 readers (PyYAML, yaml-cpp's older users) take these bare as booleans or null.
    static constexpr std::string_view kNotBare[] = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"};
    for (std::string_view word : kNotBare) bare &= ascii_lower(body) != word;
    return bare ? std::string(body) : quoted;
  }

  bool scalar(std::string& token) {
    skip_space();
    if (pos_ < in_.size() && in_[pos_] == '"') return string_token(token);
    size_t start = pos_;
    while (pos_ < in_.size() && std::string_view("{}[],: \n\r\t\"").find(in_[pos_]) == std::string_view::npos) ++pos_;
    token.assign(in_.substr(start, pos_ - start));
    return !token.empty();
  }

  // Writes one value at `depth`. Mappings and lists that hold something start
  // on a line of their own after a key; in a list item the first entry
  // shares the `- ` line, as YAML writers do.
  bool value(size_t depth, Context context) {
    skip_space();
    if (pos_ >= in_.size()) return false;
    const char c = in_[pos_];
    if (c == '{' || c == '[') {
      const bool mapping = c == '{';
      ++pos_;
      if (at(mapping ? '}' : ']')) {
        ++pos_;
        out_ += context == Context::top ? "" : " ";
        out_ += mapping ? "{}\n" : "[]\n";
        return true;
      }
      if (context == Context::after_key) out_ += '\n';
      bool first = true;
      // What a list item holds continues on the `- ` line, the rest of it at
      // depth+1; a list after a key is written at the key's own depth
      // (kubectl's style).
      const size_t inner = context == Context::top ? 0 : mapping || context == Context::list_item ? depth + 1 : depth;
      while (true) {
        const bool share_line = first && context == Context::list_item;
        if (mapping) {
          skip_space();
          std::string key;
          if (!string_token(key)) return false;
          if (!at(':')) return false;
          ++pos_;
          if (share_line) out_ += ' ';
          else indent(inner);
          out_ += key_text(key) + ":";
          if (!value(inner, Context::after_key)) return false;
        } else {
          if (share_line) out_ += ' ';
          else indent(inner);
          out_ += "-";
          if (!value(inner, Context::list_item)) return false;
        }
        first = false;
        skip_space();
        if (at(',')) {
          ++pos_;
          continue;
        }
        if (at(mapping ? '}' : ']')) {
          ++pos_;
          return true;
        }
        return false;
      }
    }
    std::string token;
    if (!scalar(token)) return false;
    if (context != Context::top) out_ += ' ';
    out_ += token;
    out_ += '\n';
    return true;
  }

  std::string_view in_;
  std::string& out_;
  size_t pos_ = 0;
};

}  // namespace

bool json_to_yaml(std::string_view json, std::string& yaml) {
  yaml.clear();
  return YamlFromJson(json, yaml).convert();
}

void write_yaml_report(const RunResult& r, std::ostream& out) {
  std::ostringstream json;
  write_json_report(r, json);
  std::string yaml;
  json_to_yaml(json.str(), yaml);
  out << yaml;
}

}  // namespace pullscan
