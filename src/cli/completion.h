// Shell completion: the scripts `pullscan completion bash|zsh|fish` prints.
// Each is a thin shim that asks the binary itself (`pullscan __complete
// WORDS... CURRENT`, answered in main.cpp from the same CLI11 definitions that
// parse the command line) and so can never list a flag that does not exist.
// The answer follows the convention of cobra, which kubectl's plugin
// completion (kubectl_complete-pullscan, kubectl >= 1.26) also uses: one
// candidate per line, `value<TAB>description`, then `:DIRECTIVE`.
#pragma once

#include <optional>
#include <string_view>

namespace pullscan {

/// The hidden command the scripts and kubectl's helper call.
inline constexpr std::string_view kCompleteCommand = "__complete";

/// Bits of the `:DIRECTIVE` line (cobra's ShellCompDirective values).
enum CompletionDirective : int {
  complete_default = 0,       // the shell may also complete file names
  complete_no_file = 4,       // only the candidates given
};

/// The shells `pullscan completion` has a script for.
inline constexpr std::string_view kCompletionShells[] = {"bash", "zsh", "fish"};

/// The completion script for shell, or nullopt if there is none.
std::optional<std::string_view> completion_script(std::string_view shell);

}  // namespace pullscan
