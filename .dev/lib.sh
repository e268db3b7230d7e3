# Shared by .dev/setup, .dev/demo and .dev/test. Sourced, not run.
# Decides how the WASM client is built on this machine and exports the environment for it.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}"
E2E_BIN="$ROOT/end2end/node_modules/.bin"

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root for: $*"; fi
}

rustup_has_wasm() {
  command -v rustup >/dev/null && rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown
}

# The WASM route: "rustup" (prebuilt std via rustup) or "debian" (Debian rustc-web + -Zbuild-std).
wasm_route() {
  if [ -n "${RAPPORT_WASM_ROUTE:-}" ]; then echo "$RAPPORT_WASM_ROUTE"; return; fi
  if rustup_has_wasm; then echo rustup; else echo debian; fi
}

# Crates of Leptos we build with a fix of ours (`[patch.crates-io]` in Cargo.toml): each is the
# crate as published on crates.io, checked against its checksum, with
# `.cargo/patches/<crate>-<version>.patch` applied, unpacked beside that file (ignored by git).
# Rebuilt only when missing or when its .patch changed.
PATCHED_CRATES=(
  "reactive_graph 0.2.16 3bcec36a2d1b9a53a4129b3270b19e3df6f6b88c2e7c97ed9404dc9307f137d7"
)
patched_crates() {
  local entry name version checksum base patch stamp want work cached
  for entry in "${PATCHED_CRATES[@]}"; do
    read -r name version checksum <<<"$entry"
    base="$ROOT/.cargo/patches/$name-$version"
    patch="$base.patch"
    stamp="$base/.built-from-patch"
    want="$(sha256sum "$patch" | cut -d' ' -f1)"
    [ "$(cat "$stamp" 2>/dev/null)" = "$want" ] && continue
    log "unpacking $name $version from crates.io with .cargo/patches/$name-$version.patch"
    work="$(mktemp -d)"
    # No match on a fresh machine: `ls` fails, which must not end the script (pipefail).
    cached="$(ls "$CARGO_HOME"/registry/cache/*/"$name-$version.crate" 2>/dev/null | head -1 || true)"
    if [ -n "$cached" ]; then
      cp "$cached" "$work/crate.tar.gz"
    else
      curl -fsSL --retry 3 -o "$work/crate.tar.gz" "https://static.crates.io/crates/$name/$name-$version.crate" \
        || die "cannot download $name $version from crates.io"
    fi
    [ "$(sha256sum "$work/crate.tar.gz" | cut -d' ' -f1)" = "$checksum" ] || die "$name $version: checksum mismatch"
    tar -xzf "$work/crate.tar.gz" -C "$work"
    patch -s -p1 -d "$work/$name-$version" < "$patch" || die "$patch does not apply to $name $version"
    echo "$want" > "$work/$name-$version/.built-from-patch"
    rm -rf "$base"
    mv "$work/$name-$version" "$base"
    rm -rf "$work"
  done
}

# Exports PATH, cargo-leptos flags and build environment for the chosen route.
toolchain_env() {
  patched_crates
  ROUTE="$(wasm_route)"
  export PATH="$E2E_BIN:$CARGO_HOME/bin:$PATH"
  LEPTOS_ARGS=()
  BOOTSTRAP_ENV=()
  if [ "$ROUTE" = debian ]; then
    # One compiler for server and client: Debian's rustc 1.96 (rustup's proxies come later on PATH).
    # npm's wasm-opt stays ahead of Debian's older binaryen.
    export PATH="$E2E_BIN:/usr/bin:$PATH"
    LEPTOS_ARGS=(--lib-cargo-args=-Zbuild-std=std,panic_abort)
    BOOTSTRAP_ENV=(RUSTC_BOOTSTRAP=1)
  fi
  # The same flags cargo-leptos uses for debug builds, so `cargo test` reuses its artifacts.
  export RUSTFLAGS="${RUSTFLAGS:---cfg erase_components}"
  export LEPTOS_OUTPUT_NAME=rapport LEPTOS_SITE_ROOT=target/site LEPTOS_SITE_PKG_DIR=pkg
  export CARGO_TERM_PROGRESS_WHEN=never
}

wasm_bindgen_version() {
  awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock"
}

# cargo-leptos builds the server and the WASM client. `$1`: "debug" or "release";
# further arguments go to cargo-leptos (e.g. --frontend-only).
leptos_build() {
  local profile_flag=()
  [ "${1:-debug}" = release ] && profile_flag=(--release)
  shift || true
  (cd "$ROOT" && env "${BOOTSTRAP_ENV[@]}" cargo leptos build "${profile_flag[@]}" "${LEPTOS_ARGS[@]}" "$@")
}

# cargo for formatting and lints: rustup's (which has rustfmt and clippy) also on the Debian
# route, whose own cargo comes first on PATH but has neither.
lint_cargo() {
  if [ "${ROUTE:-}" = debian ] && [ -x "$CARGO_HOME/bin/cargo" ]; then
    env -u RUSTC_BOOTSTRAP "$CARGO_HOME/bin/cargo" "$@"
  else
    cargo "$@"
  fi
}
