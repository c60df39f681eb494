# Builtins only: neither qemu -L nor a chroot-less sysroot can exec the guest's programs from
# inside, but functions in pipelines and command substitutions fork without exec.
set -euo pipefail
fib() {
  local n=$1 a=0 b=1 t i
  for ((i = 0; i < n; i++)); do ((t = a + b, a = b, b = t)); done
  echo "$a"
}
produce() { local i; for i in 5 3 9 1 7; do printf '%s\n' "$i"; done; }
consume() { local sum=0 count=0 line; while read -r line; do ((sum += line * line, count++)); done; echo "count=$count sum=$sum"; }

echo "bash ${BASH_VERSION%%(*}"
echo "fib(90)=$(fib 90)"
produce | consume
declare -A seen=()
for word in pear apple fig apple kiwi fig apple; do seen[$word]=$((${seen[$word]:-0} + 1)); done
for word in apple fig kiwi pear; do printf '%s:%d ' "$word" "${seen[$word]}"; done
echo
echo $((2 ** 62 + (2 ** 62 - 1))) $((-7 / 2)) $((-7 % 3)) $((0x7f << 3)) $((1 << 63))
printf '%x %o %5.2f %-6s| %q\n' 255 8 3.14159 left 'a b'
text="Hello, riscv64 World"
echo "${text^^} ${text,,} ${text//o/0} ${#text} ${text:7:7}"
if [[ $text =~ ([a-z]+)([0-9]+) ]]; then echo "match ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"; fi
mapfile -t lines < <(produce)
echo "lines ${#lines[@]} last ${lines[-1]}"
status=$( (exit 3) || echo "subshell exit $?")
echo "$status"
trap 'echo "trapped EXIT"' EXIT
