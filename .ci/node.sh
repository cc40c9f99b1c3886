# Puts the Node.js this project is tested on (.nvmrc) first on PATH, fetching it once from the
# npm registry (the official build, as packaged in node-<platform>-<arch>) into a cache when the
# node on PATH is another version. CI sources it; so can you: `source .ci/node.sh`.
#
#   LEADS_NODE_VERSION=22.23.5 source .ci/node.sh   # another version (CI of the other LTS line)
#   LEADS_NODE_CACHE=/some/dir                       # where builds are kept (default ~/.cache/leads-service/node)
_leads_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_leads_want="${LEADS_NODE_VERSION:-$(tr -d ' \n\r' < "$_leads_root/.nvmrc")}"
_leads_want="${_leads_want#v}"
if [ "$(node --version 2>/dev/null)" != "v$_leads_want" ]; then
  case "$(uname -s)" in Linux) _leads_os=linux ;; Darwin) _leads_os=darwin ;; *) echo "node.sh: no Node build for $(uname -s); install Node $_leads_want yourself" >&2; return 1 2>/dev/null || exit 1 ;; esac
  case "$(uname -m)" in x86_64|amd64) _leads_arch=x64 ;; aarch64|arm64) _leads_arch=arm64 ;; *) echo "node.sh: no Node build for $(uname -m); install Node $_leads_want yourself" >&2; return 1 2>/dev/null || exit 1 ;; esac
  _leads_dir="${LEADS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leads-service/node}/v$_leads_want-$_leads_os-$_leads_arch"
  if [ ! -x "$_leads_dir/bin/node" ]; then
    echo "== fetching Node $_leads_want ($_leads_os-$_leads_arch) from the npm registry into $_leads_dir" >&2
    _leads_tmp="$(mktemp -d)"
    # npm checks the tarball against the registry's integrity hash.
    if ! (cd "$_leads_tmp" && npm pack --silent "node-$_leads_os-$_leads_arch@$_leads_want" >/dev/null && tar xzf ./*.tgz); then
      rm -rf "$_leads_tmp"; echo "node.sh: could not fetch node-$_leads_os-$_leads_arch@$_leads_want" >&2; return 1 2>/dev/null || exit 1
    fi
    mkdir -p "$(dirname "$_leads_dir")" && rm -rf "$_leads_dir" && mv "$_leads_tmp/package" "$_leads_dir" && rm -rf "$_leads_tmp"
  fi
  export PATH="$_leads_dir/bin:$PATH"
  hash -r 2>/dev/null || true
fi
unset _leads_root _leads_want _leads_os _leads_arch _leads_dir _leads_tmp
