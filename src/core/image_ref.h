// Image references as the join sees them. The same image is spelled three
// ways in one pull (pod spec `nginx`, CRI request `nginx:latest`, containerd's
// normalised `docker.io/library/nginx:latest`); attempts join only after
// every spelling is normalised here. The registry host comes from the same
// parse, so reports can give advice per registry.
#pragma once

#include <string>
#include <string_view>

namespace pullscan {

/// A reference split into its parts after normalisation.
struct ImageRef {
  std::string registry;    // "docker.io", "registry.k8s.io", "127.0.0.1:5000"
  std::string path;        // "library/nginx"
  std::string tag;         // "latest" (empty when only a digest was given)
  std::string digest;      // "sha256:..." or empty
  /// registry/path[:tag][@digest]
  std::string full() const;
  /// registry/path
  std::string repository() const;
};

/// Normalises like containerd's reference.ParseNormalizedNamed + TagNameOnly:
/// adds docker.io and library/ defaults and :latest when there is neither a
/// tag nor a digest; folds index.docker.io and registry-1.docker.io into
/// docker.io. Returns false for text that is not a plausible reference.
bool parse_image_ref(std::string_view text, ImageRef& out);

/// parse_image_ref(...).full() without the tag when there is a digest (the
/// digest names what is pulled), or the trimmed input when it does not parse.
std::string normalize_image(std::string_view text);

/// The registry host[:port] of a normalised image ("" for "").
std::string registry_of(std::string_view normalized_image);

}  // namespace pullscan
