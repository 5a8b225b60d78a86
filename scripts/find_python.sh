#!/usr/bin/env bash
# Prints the path of a Python 3.12+ interpreter (3.13 preferred), or fails saying why.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
for v in 3.13 3.12; do
  candidates+=("python$v" "/usr/local/bin/python$v" "/usr/bin/python$v")
  if command -v pyenv >/dev/null 2>&1; then
    for p in "$(pyenv root)"/versions/"$v"*/bin/python"$v"; do candidates+=("$p"); done
  fi
  for p in "$HOME"/.pyenv/versions/"$v"*/bin/python"$v"; do candidates+=("$p"); done
done
candidates+=(python3 python)
for c in "${candidates[@]}"; do
  path=$(command -v "$c" 2>/dev/null) || continue
  if ok "$path"; then echo "$path"; exit 0; fi
done
echo "No Python 3.12 or newer found. Install python3.13 (or 3.12), or set PYTHON=/path/to/python." >&2
exit 1
