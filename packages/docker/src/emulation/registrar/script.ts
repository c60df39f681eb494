/**
 * The program a registration container runs (with busybox's sh): it carries out binfmt_misc
 * changes on the kernel the engine runs on, then prints that kernel's binfmt_misc state.
 *
 * Arguments: operations, each a word and one argument — `register LINE`, `remove NAME`,
 * `enable NAME`, `disable NAME`, `global 1|0`. Every operation is tried, in order; one that
 * fails does not stop the others (a restore must put back all it can).
 *
 * Output: NUL-terminated fields, in records —
 *   `fatal MESSAGE`        nothing was done (exit 2)
 *   `fail INDEX MESSAGE`   operation INDEX (0-based) failed with the kernel's error (exit 1)
 *   `global STATUS`        the global status file
 *   `entry NAME STATUS`    each entry's status file, byte for byte, in directory order
 *                          (newest registration first, the order the kernel matches in)
 *
 * binfmt_misc is mounted inside the container's own mount namespace: the host's mounts
 * stay as they are, and the entries are the kernel's either way.
 *
 * `echo -n` writes: busybox's echo reports a failed write() with the kernel's reason
 * ("File exists", "Invalid argument"); its printf does not.
 */
export const REGISTRAR_SCRIPT = `dir=/binfmt_misc
if [ ! -e "$dir/register" ]; then
  busybox mkdir -p "$dir"
  if ! message=$(busybox mount -t binfmt_misc binfmt_misc "$dir" 2>&1); then
    printf 'fatal\\0%s\\0' "cannot mount binfmt_misc in the container (it needs CAP_SYS_ADMIN): $message"
    exit 2
  fi
fi
failed=0
index=0
write() {
  if ! message=$(busybox echo -n "$2" 2>&1 > "$1"); then
    printf 'fail\\0%s\\0%s\\0' "$index" "\${message#echo: }"
    failed=1
  fi
}
while [ $# -gt 0 ]; do
  if [ $# -lt 2 ]; then printf 'fatal\\0%s\\0' "$1 needs an argument"; exit 2; fi
  case "$1" in
    register) write "$dir/register" "$2" ;;
    remove) write "$dir/$2" -1 ;;
    enable) write "$dir/$2" 1 ;;
    disable) write "$dir/$2" 0 ;;
    global) write "$dir/status" "$2" ;;
    *) printf 'fatal\\0%s\\0' "unknown operation: $1"; exit 2 ;;
  esac
  shift 2
  index=$((index + 1))
done
printf 'global\\0'
busybox cat "$dir/status"
printf '\\0'
busybox find "$dir" -mindepth 1 -maxdepth 1 ! -name register ! -name status | while IFS= read -r path; do
  printf 'entry\\0%s\\0' "\${path#"$dir/"}"
  busybox cat "$path" 2>/dev/null
  printf '\\0'
done
exit $failed
`;
