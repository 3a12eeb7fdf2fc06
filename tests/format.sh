#!/usr/bin/env bash
# The house style (.clang-format) over every C++ file git tracks. Without arguments it lists the
# files that differ from it and fails; `--fix` rewrites them. tests/run.sh (and so CI) runs the check.
set -euo pipefail
cd "$(dirname "$0")/.."
format=$(command -v clang-format-14 || command -v clang-format)
mapfile -t files < <(git ls-files -- '*.cpp' '*.hpp' '*.h' | grep -v '/node_modules/')
if [[ ${1:-} == --fix ]]; then
  "$format" -i "${files[@]}"
  exit 0
fi
unformatted=()
for f in "${files[@]}"; do
  "$format" --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if ((${#unformatted[@]} > 0)); then
  printf 'not formatted as .clang-format says (run tests/format.sh --fix):\n' >&2
  printf '  %s\n' "${unformatted[@]}" >&2
  exit 1
fi
echo "format: ${#files[@]} files as .clang-format says"
