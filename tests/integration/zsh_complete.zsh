# SPDX-License-Identifier: MIT
#
# What zsh's completion offers for a command line, as a person pressing Tab
# would see it: an interactive zsh on a pseudo-terminal (zpty) with
# compinit over COMPLETION_DIR, the line typed, then Tab; every match added
# is written to OUT_FILE, one per line.  Exit 0 once the completion ran.
#
# usage: zsh -f zsh_complete.zsh COMPLETION_DIR OUT_FILE LINE
zmodload zsh/zpty || exit 1
zmodload zsh/zselect || exit 1
dir=$1 out=$2 line=$3
: >$out
rm -f $out.done
zpty z zsh -f -i
zpty -w z "PS1=''; fpath=(${(q)dir} \$fpath); autoload -U compinit; compinit -u -D"
zpty -w z "zstyle ':completion:*' list-grouped false; zstyle ':completion:*' insert-tab false"
# compadd -O lists the matches it would add; they are written, then added.
zpty -w z "compadd() { local -a __h; builtin compadd -O __h \"\$@\"; (( \$#__h )) && print -rl -- \$__h >>${(q)out}; builtin compadd \"\$@\"; }"
# Ctrl-X, typed after Tab, says the completion has run.
zpty -w z "_cdone() { print done >${(q)out}.done; }; zle -N _cdone; bindkey '^X' _cdone; bindkey '^I' complete-word"
zpty -w -n z "$line"$'\t'$'\x18'
for i in {1..1000}; do # at most 10 s
    [[ -s $out.done ]] && break
    zpty -r -t z junk 2>/dev/null
    zselect -t 1
done
zpty -d z
[[ -s $out.done ]]
