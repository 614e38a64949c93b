#!/usr/bin/env bash
# Builds tlsfit for release and installs it, with its man page and shell completions, under PREFIX.
#
#   Scripts/install.sh                      # into /usr/local (needs root)
#   Scripts/install.sh --prefix ~/.local    # into your home; put ~/.local/bin on PATH
#   PREFIX=/opt/tlsfit Scripts/install.sh   # the same, from the environment
#
# The binary links the Swift runtime statically and carries its data (CipherSuites/) inside, so it
# runs from any folder and needs only the system's OpenSSL 3 (libssl3); libpcap, libxml2 and
# libarchive are loaded when a capture, a gpresult report or a zip is first read. It is built
# without the $ORIGIN run path, so no library is ever loaded from beside the binary.
#
# Installs:
#   PREFIX/bin/tlsfit
#   PREFIX/share/man/man1/tlsfit.1 (and one page per subcommand, tlsfit.diagnose.1 ...)
#   PREFIX/share/bash-completion/completions/tlsfit
#   PREFIX/share/zsh/site-functions/_tlsfit
#   PREFIX/share/fish/vendor_completions.d/tlsfit.fish
set -euo pipefail

prefix="${PREFIX:-/usr/local}"
scratch=".build-release"
binary=""
while (($#)); do
    case "$1" in
        --prefix) prefix="${2:?--prefix needs a folder}"; shift 2 ;;
        --prefix=*) prefix="${1#--prefix=}"; shift ;;
        --scratch-path) scratch="${2:?--scratch-path needs a folder}"; shift 2 ;;
        # An already built release binary (for packagers that build separately); the man page
        # generator is still built from the checkout.
        --binary) binary="${2:?--binary needs a file}"; shift 2 ;;
        -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "install.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
case "$prefix" in
    /*) ;;
    *) prefix="$(pwd)/$prefix" ;;
esac

cd "$(dirname "$0")/.."
command -v swift >/dev/null || { echo "install.sh: swift is not on PATH (a Swift 6 toolchain is required)" >&2; exit 1; }

flags=(-c release --static-swift-stdlib --disable-local-rpath --scratch-path "$scratch")
if [ -z "$binary" ]; then
    echo "Building tlsfit (release, Swift runtime linked statically)..." >&2
    swift build "${flags[@]}" --product tlsfit >&2
    binary="$(swift build "${flags[@]}" --show-bin-path)/tlsfit"
fi
[ -x "$binary" ] || { echo "install.sh: $binary is not an executable" >&2; exit 1; }
echo "Building the man page generator (swift-argument-parser's generate-manual)..." >&2
swift build "${flags[@]}" --product generate-manual >&2
generator="$(swift build "${flags[@]}" --show-bin-path)/generate-manual"

staging="$(mktemp -d)"
trap 'rm -rf "$staging"' EXIT
mkdir -p "$staging/man"
# A fixed date keeps the page the same for the same version; generate-manual wants yyyy-mm-dd.
"$generator" "$binary" --multi-page --date "$(git log -1 --format=%cs 2>/dev/null || date -u +%F)" \
    --output-directory "$staging/man" >&2
"$binary" --generate-completion-script bash >"$staging/tlsfit.bash"
"$binary" --generate-completion-script zsh >"$staging/_tlsfit"
"$binary" --generate-completion-script fish >"$staging/tlsfit.fish"

install -d "$prefix/bin" "$prefix/share/man/man1" "$prefix/share/bash-completion/completions" \
    "$prefix/share/zsh/site-functions" "$prefix/share/fish/vendor_completions.d"
install -m 0755 "$binary" "$prefix/bin/tlsfit"
install -m 0644 "$staging"/man/*.1 "$prefix/share/man/man1/"
install -m 0644 "$staging/tlsfit.bash" "$prefix/share/bash-completion/completions/tlsfit"
install -m 0644 "$staging/_tlsfit" "$prefix/share/zsh/site-functions/_tlsfit"
install -m 0644 "$staging/tlsfit.fish" "$prefix/share/fish/vendor_completions.d/tlsfit.fish"

echo "Installed $prefix/bin/tlsfit ($("$prefix/bin/tlsfit" --version))" >&2
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "Note: $prefix/bin is not on PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" >&2 ;;
esac
