#!/bin/sh
# Golden hashes for ContentHashTest, from independent tools: git's own blob id (git hash-object) and coreutils'
# sha256sum. The sample holds text, a NUL byte, non-ASCII UTF-8 and a few random bytes.
# Run from model/: sh src/test/python/make_download_golden.sh
set -eu
out=src/test/resources/download
mkdir -p "$out"
{ printf 'clipstream download sample\n\0\303\251t\303\251 \342\202\254\n'; head -c 3000 /dev/urandom; } > "$out/sample.bin"
{
  echo "# written by src/test/python/make_download_golden.sh"
  echo "size=$(wc -c < "$out/sample.bin" | tr -d ' ')"
  echo "git_blob_sha1=$(git hash-object --no-filters "$out/sample.bin")"
  echo "sha256=$(sha256sum "$out/sample.bin" | cut -d' ' -f1)"
  echo "empty_git_blob_sha1=$(git hash-object --no-filters /dev/null)"
  echo "empty_sha256=$(sha256sum /dev/null | cut -d' ' -f1)"
} > "$out/sample.hashes"
