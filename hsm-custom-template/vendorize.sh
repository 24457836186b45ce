#!/usr/bin/env bash
# Copies this module (and the C template) into a new vendor project, renaming the Java package, the provider
# name and its settings prefix. Usage:
#   hsm-custom-template/vendorize.sh TARGET_DIR JAVA_PACKAGE PROVIDER_NAME [GROUP_ID [ARTIFACT_ID]]
#   hsm-custom-template/vendorize.sh ../acme-hsm com.acme.hsm acme
# The result builds on its own (mvn package) into target/ARTIFACT_ID-1.0.0-SNAPSHOT.jar.
set -euo pipefail
if [ $# -lt 3 ]; then
  sed -n '2,7p' "$0" >&2
  exit 2
fi
target=$1 package=$2 provider=$3
group=${4:-${package%.*}} artifact=${5:-$provider-hsm}
here=$(cd "$(dirname "$0")" && pwd)
[[ $package =~ ^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)+$ ]] || { echo "not a Java package name: $package" >&2; exit 2; }
[[ $provider =~ ^[a-z][a-z0-9-]*$ ]] || { echo "provider names are lowercase letters, digits and '-': $provider" >&2; exit 2; }
[ ! -e "$target" ] || { echo "$target exists; choose a new directory" >&2; exit 2; }

mkdir -p "$target/src/main/java/${package//.//}" "$target/native"
cp -R "$here/src/main/java/io/provhsm/custom/." "$target/src/main/java/${package//.//}/"
cp "$here/README.md" "$target/README.md"
cp -R "$here/../native/include" "$here/../native/template" "$target/native/"
sed -e "s/VENDOR_GROUP_ID/$group/" -e "s/VENDOR_ARTIFACT_ID/$artifact/g" "$here/vendor-pom.xml" > "$target/pom.xml"

find "$target/src" -name '*.java' -print0 | xargs -0 sed -i.orig -e "s/io\.provhsm\.custom/$package/g"
sed -i.orig -e "s/NAME = \"custom\"/NAME = \"$provider\"/" "$target/src/main/java/${package//.//}/CustomHsmProvider.java"
sed -i.orig -e "s/\"provhsm\.custom\./\"provhsm.$provider./g" "$target/src/main/java/${package//.//}/CustomSettings.java"
find "$target/src" -name '*.orig' -delete
echo "created $target: package $package, provider '$provider', settings provhsm.$provider.*, artifact $group:$artifact"
