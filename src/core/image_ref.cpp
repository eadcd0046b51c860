// Reference normalisation. The rules follow the distribution reference
// grammar loosely: anything that would be rejected by containerd is kept as
// written, since invalid names are themselves evidence (InvalidImageName).
#include "core/image_ref.h"

#include "core/text.h"

namespace pullscan {
namespace {

bool looks_like_registry(std::string_view first) {
  return first.find('.') != std::string_view::npos || first.find(':') != std::string_view::npos ||
         first == "localhost" || (first.size() > 0 && first.front() == '[');
}

bool valid_ref_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
         c == '-' || c == '/' || c == ':' || c == '@' || c == '[' || c == ']';
}

}  // namespace

std::string ImageRef::full() const {
  std::string out = repository();
  if (!tag.empty()) out += ":" + tag;
  if (!digest.empty()) out += "@" + digest;
  return out;
}

std::string ImageRef::repository() const { return registry + "/" + path; }

bool parse_image_ref(std::string_view text, ImageRef& out) {
  text = trim(text);
  if (text.empty() || text.size() > 512) return false;
  for (char c : text)
    if (!valid_ref_char(c)) return false;
  out = ImageRef{};
  std::string_view rest = text;
  size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    out.digest = std::string(rest.substr(at + 1));
    rest = rest.substr(0, at);
    if (out.digest.find(':') == std::string::npos) return false;
  }
  size_t slash = rest.find('/');
  std::string_view name = rest;
  if (slash != std::string_view::npos && looks_like_registry(rest.substr(0, slash))) {
    out.registry = std::string(rest.substr(0, slash));
    name = rest.substr(slash + 1);
  } else {
    out.registry = "docker.io";
  }
  if (out.registry == "index.docker.io" || out.registry == "registry-1.docker.io" ||
      out.registry == "registry.hub.docker.com")
    out.registry = "docker.io";
  size_t last_slash = name.rfind('/');
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (last_slash == std::string_view::npos || colon > last_slash)) {
    out.tag = std::string(name.substr(colon + 1));
    name = name.substr(0, colon);
    if (out.tag.empty()) return false;
  }
  if (name.empty() || name.front() == '/' || name.back() == '/') return false;
  out.path = std::string(name);
  if (out.registry == "docker.io" && out.path.find('/') == std::string::npos) out.path = "library/" + out.path;
  if (out.tag.empty() && out.digest.empty()) out.tag = "latest";
  return true;
}

std::string normalize_image(std::string_view text) {
  ImageRef ref;
  if (!parse_image_ref(text, ref)) return std::string(trim(text));
  // `name:tag@sha256:...` is pulled by its digest, and containerd's CRI names
  // it without the tag (ParseDockerRef) in every line after PullImage.
  if (!ref.digest.empty()) ref.tag.clear();
  return ref.full();
}

std::string registry_of(std::string_view normalized_image) {
  size_t slash = normalized_image.find('/');
  if (slash == std::string_view::npos) return {};
  return std::string(normalized_image.substr(0, slash));
}

}  // namespace pullscan
