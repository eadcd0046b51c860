// Secret masking, shared by every stage that lets outside text in: the
// parsers mask each message and evidence line as they decode it, the cluster
// stage masks kubectl's stderr, and the CLI masks arguments it echoes in usage
// errors. Masking happens once, where text enters, so the reports, the
// database, --follow and explain can never repeat a credential a debug log or
// a command line happened to carry.
#pragma once

#include <string>
#include <string_view>

namespace pullscan {

/// Text with credentials replaced by `***`: Authorization headers and bearer
/// tokens, URL user info, docker config `auth`/`password`/`identitytoken`
/// values (plain or escaped once or twice), password/token parameters and
/// flags. Image references and digests are left alone. Clean text is
/// returned unchanged after a cheap literal check.
std::string mask_secrets(std::string_view text);

}  // namespace pullscan
