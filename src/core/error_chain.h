// Peeling an image-pull error chain (formats.md §7.4). Every layer of the
// stack wraps the one below: kubelet's `Failed to pull image "x": `, gRPC's
// `rpc error: code = C desc = `, containerd's `failed to pull and unpack
// image "X": failed to resolve reference "X": ...`. The root cause is what is
// left when the wrappers are gone; the wrappers still carry facts worth
// keeping (the gRPC code, the normalised image, the URL that failed).
#pragma once

#include <string>
#include <string_view>

namespace pullscan {

/// What peel_error found in an error text.
struct PeeledError {
  std::string_view root;  // the leaf text, a view into the input
  std::string grpc_code;  // "NotFound", "Unknown"... or empty
  std::string image;      // image named by a wrapper (as written there), or empty
  std::string url;        // first http(s) URL in the text, or empty
  std::string endpoint;   // host[:port] of that URL, or empty
  std::string status;     // HTTP status like "429 Too Many Requests", or empty
};

/// Peels the known wrappers, outermost first, until none matches.
PeeledError peel_error(std::string_view text);

/// What one registry host answered, for a mirror chain: the root cause
/// without the request that asked (`Head "https://..": `), at most `max`
/// bytes. "404 Not Found", "dial tcp 10.0.0.9:443: connect: connection refused".
std::string host_answer(std::string_view error, size_t max = 100);

/// The image a message names, by the wordings of every runtime, CLI and
/// kubelet version: quoted wrappers (`Failed to pull image "X"`, also with
/// `\"X\"`, 'X' or `X`), the CLIs' unquoted ones (`pull access denied for
/// X,`, `manifest for X not found`, `Trying to pull X...`, kubeadm's
/// `failed to pull image X: output:`, crictl's `ImageSpec{Image:X,`), and
/// those that split tag and repository (`Error reading manifest TAG in REPO`,
/// `Error pulling image (TAG) from REPO`, `TAG: Pulling from REPO`). Never a
/// platform (`no matching manifest for linux/arm64`), a URL or a bare digest.
/// Empty if none.
std::string image_in_message(std::string_view text);

}  // namespace pullscan
