#!/usr/bin/env bash
# Starts a throwaway OpenLDAP server (slapd) on free loopback ports for the LDAP connection's tests, and
# stops it. Sourced by build/test.sh. start_slapd writes a test CA and a server certificate, a
# configuration with the memberof and refint overlays (back-links kept as Active Directory keeps
# memberOf), seeds the directory offline with slapadd from a generated LDIF, and exports:
#   IDENTITYSYNC_TEST_LDAP          ldap://127.0.0.1:PORT (StartTLS offered there too)
#   IDENTITYSYNC_TEST_LDAPS         ldaps://127.0.0.1:PORT
#   IDENTITYSYNC_TEST_LDAP_CA_DIR   a hashed PEM directory holding the test CA (OpenSSL's c_rehash layout)
#   IDENTITYSYNC_TEST_LDAP_BIND_DN, IDENTITYSYNC_TEST_LDAP_PASSWORD, IDENTITYSYNC_TEST_LDAP_BASE
#   IDENTITYSYNC_TEST_LDAP_USERS, IDENTITYSYNC_TEST_LDAP_BIG_GROUP_MEMBERS (what the seed holds; set
#   IDENTITYSYNC_LDAP_SEED_USERS before starting for a larger seed, as the export benchmark does)
# A daemon the Debian package may have started is left alone.

ldap_free_port() {
  local port
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# The seed: people (every 97th name has a comma, accents or quotes), groups of 60 members, and one group
# holding the first BIG users. memberOf is written by the seed, since slapadd runs no overlay.
ldap_seed_ldif() {
  local base=$1 users=$2 big=$3
  awk -v base="$base" -v users="$users" -v big="$big" 'BEGIN {
    groups = 100
    print "dn: " base; print "objectClass: dcObject"; print "objectClass: organization"; print "dc: example"; print "o: Example"; print ""
    split("people groups sandbox", ous, " ")
    for (o = 1; o <= 3; o++) { print "dn: ou=" ous[o] "," base; print "objectClass: organizationalUnit"; print "ou: " ous[o]; print "" }
    split("Smith, Jr.|Zoë Çelik|O'\''Brien \"Bob\"|Ærøskøbing + Søn|#1 Léa <x>|Back\\slash", odd, "|")
    for (i = 1; i <= users; i++) {
      id = sprintf("%05d", i)
      name = (i % 97 == 0) ? odd[(i / 97) % 6 + 1] " " id : "User " id
      rdn = ""
      for (c = 1; c <= length(name); c++) {
        ch = substr(name, c, 1)
        rdn = rdn (index("\\,+\"<>;", ch) || (c == 1 && ch == "#") ? "\\" : "") ch
      }
      dn[i] = "cn=" rdn ",ou=people," base
      print "dn: " dn[i]
      print "objectClass: inetOrgPerson"
      print "cn: " name; print "sn: " (i % 97 == 0 ? name : "User"); print "givenName: Given" id
      print "uid: u" id; print "employeeNumber: " i; print "mail: u" id "@example.org"
      print "departmentNumber: D" (i % 20)
      if (i > 1) print "manager: " dn[int(i / 2)]
      print "memberOf: cn=group-" sprintf("%03d", i % groups) ",ou=groups," base
      if (i <= big) print "memberOf: cn=All staff\\, big,ou=groups," base
      print ""
    }
    for (g = 0; g < groups; g++) {
      print "dn: cn=group-" sprintf("%03d", g) ",ou=groups," base
      print "objectClass: groupOfNames"; print "cn: group-" sprintf("%03d", g)
      for (i = 1; i <= users; i++) if (i % groups == g) print "member: " dn[i]
      print ""
    }
    print "dn: cn=All staff\\, big,ou=groups," base
    print "objectClass: groupOfNames"; print "cn: All staff, big"
    for (i = 1; i <= big; i++) print "member: " dn[i]
    print ""
  }'
}

start_slapd() {
  local slapd port tls_port dir base=dc=example,dc=org password users=${IDENTITYSYNC_LDAP_SEED_USERS:-10000} big=6000
  slapd=$(command -v slapd || echo /usr/sbin/slapd)
  [ -x "$slapd" ] || { echo "OpenLDAP is not installed (Debian packages 'slapd' and 'ldap-utils')." >&2; return 1; }
  dir=$(mktemp -d /tmp/identitysync-slapd.XXXXXX)
  mkdir -p "$dir/data" "$dir/ca"
  password="test-$RANDOM$RANDOM"

  # A test CA, a server certificate for 127.0.0.1 and localhost, and the CA in a hashed directory.
  (
    cd "$dir" &&
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3 -subj "/CN=IdentitySync test CA" &&
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=localhost" &&
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' > server.ext &&
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 3 -extfile server.ext &&
    cp ca.pem "ca/$(openssl x509 -hash -noout -in ca.pem).0"
  ) >"$dir/openssl.log" 2>&1 || { cat "$dir/openssl.log" >&2; rm -rf "$dir"; return 1; }

  cat > "$dir/slapd.conf" <<EOF
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
moduleload memberof
moduleload refint
pidfile $dir/slapd.pid
argsfile $dir/slapd.args
sizelimit unlimited
TLSCACertificateFile $dir/ca.pem
TLSCertificateFile $dir/server.pem
TLSCertificateKeyFile $dir/server.key
database mdb
maxsize 1073741824
suffix "$base"
rootdn "cn=admin,$base"
rootpw $password
directory $dir/data
index objectClass,entryCSN eq
index uid,cn,employeeNumber,member,memberOf eq
index modifyTimestamp eq
limits users size=unlimited size.pr=unlimited size.prtotal=unlimited
overlay memberof
memberof-group-oc groupOfNames
memberof-member-ad member
memberof-memberof-ad memberOf
memberof-refint TRUE
overlay refint
refint_attributes member manager
EOF
  ldap_seed_ldif "$base" "$users" "$big" > "$dir/seed.ldif"
  "$(dirname "$slapd")/slapadd" -q -f "$dir/slapd.conf" -l "$dir/seed.ldif" >"$dir/slapadd.log" 2>&1 \
    || { cat "$dir/slapadd.log" >&2; rm -rf "$dir"; return 1; }

  local started=
  for _ in 1 2 3; do
    port=$(ldap_free_port) && tls_port=$(ldap_free_port) || break
    [ "$port" != "$tls_port" ] || continue
    if "$slapd" -f "$dir/slapd.conf" -h "ldap://127.0.0.1:$port/ ldaps://127.0.0.1:$tls_port/" >"$dir/slapd.log" 2>&1; then
      for _ in $(seq 1 100); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { started=1; break; }
        sleep 0.1
      done
    fi
    [ -n "$started" ] && break
    [ -f "$dir/slapd.pid" ] && kill "$(cat "$dir/slapd.pid")" 2>/dev/null
  done
  [ -n "$started" ] || { echo "slapd did not start:" >&2; cat "$dir/slapd.log" >&2; rm -rf "$dir"; return 1; }

  export IDENTITYSYNC_TEST_LDAP="ldap://127.0.0.1:$port"
  export IDENTITYSYNC_TEST_LDAPS="ldaps://127.0.0.1:$tls_port"
  export IDENTITYSYNC_TEST_LDAP_CA_DIR="$dir/ca"
  export IDENTITYSYNC_TEST_LDAP_BIND_DN="cn=admin,$base"
  export IDENTITYSYNC_TEST_LDAP_PASSWORD="$password"
  export IDENTITYSYNC_TEST_LDAP_BASE="$base"
  export IDENTITYSYNC_TEST_LDAP_USERS="$users"
  export IDENTITYSYNC_TEST_LDAP_BIG_GROUP_MEMBERS="$big"
  SLAPD_DIR=$dir
  echo "slapd $("$slapd" -VV 2>&1 | sed -n 's/.*slapd \([0-9.]*\).*/\1/p' | head -n 1) on 127.0.0.1:$port and ldaps $tls_port ($dir, $users users)."
}

stop_slapd() {
  [ -n "${SLAPD_DIR:-}" ] || return 0
  if [ -f "$SLAPD_DIR/slapd.pid" ]; then
    local pid
    pid=$(cat "$SLAPD_DIR/slapd.pid")
    kill "$pid" 2>/dev/null
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  rm -rf "$SLAPD_DIR"
  SLAPD_DIR=
}
