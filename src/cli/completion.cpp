// The completion scripts (see completion.h). Each asks `pullscan __complete`
// for the candidates of the word under the cursor and falls back to file
// names only when the answer's directive allows it.
#include "cli/completion.h"

namespace pullscan {
namespace {

constexpr std::string_view kBash = R"SCRIPT(# bash completion for pullscan: source it, or save it as
# /etc/bash_completion.d/pullscan (pullscan completion bash > ...).
_pullscan() {
    local cur=${COMP_WORDS[COMP_CWORD]} out directive
    out=$("${COMP_WORDS[0]}" __complete "${COMP_WORDS[@]:1:COMP_CWORD-1}" "$cur" 2>/dev/null) || return
    directive=${out##*:}
    out=$(printf '%s\n' "$out" | sed '$d' | cut -f1)
    local IFS=$'\n'
    COMPREPLY=($(compgen -W "$out" -- "$cur"))
    if [ ${#COMPREPLY[@]} -eq 0 ] && [ $((directive & 4)) -eq 0 ]; then
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _pullscan pullscan
)SCRIPT";

constexpr std::string_view kZsh = R"SCRIPT(#compdef pullscan
# zsh completion for pullscan: save it as _pullscan in a directory of $fpath
# (pullscan completion zsh > "${fpath[1]}/_pullscan").
_pullscan() {
    local -a lines candidates
    local directive
    lines=("${(@f)$("${words[1]}" __complete "${(@)words[2,CURRENT-1]}" "${words[CURRENT]}" 2>/dev/null)}")
    directive=${lines[-1]#:}
    for line in "${(@)lines[1,-2]}"; do
        candidates+=("${${line%%$'\t'*}//:/\\:}:${line#*$'\t'}")
    done
    if (( ${#candidates} )); then
        _describe 'pullscan' candidates
    elif (( (directive & 4) == 0 )); then
        _files
    fi
}
compdef _pullscan pullscan
)SCRIPT";

constexpr std::string_view kFish = R"SCRIPT(# fish completion for pullscan: save it as
# ~/.config/fish/completions/pullscan.fish (pullscan completion fish > ...).
function __pullscan_complete
    set -l words (commandline -opc)
    pullscan __complete $words[2..-1] (commandline -ct) 2>/dev/null | string match -v -r '^:[0-9]+$'
end
function __pullscan_files_allowed
    set -l words (commandline -opc)
    set -l directive (pullscan __complete $words[2..-1] (commandline -ct) 2>/dev/null | string match -r '^:[0-9]+$' | string sub -s 2)
    test -n "$directive"; and test (math "bitand($directive, 4)") -eq 0
end
complete -c pullscan -f -a '(__pullscan_complete)'
complete -c pullscan -F -n '__pullscan_files_allowed'
)SCRIPT";

}  // namespace

std::optional<std::string_view> completion_script(std::string_view shell) {
  if (shell == "bash") return kBash;
  if (shell == "zsh") return kZsh;
  if (shell == "fish") return kFish;
  return std::nullopt;
}

}  // namespace pullscan
