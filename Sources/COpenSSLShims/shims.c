#include "COpenSSLShims.h"
#include <openssl/err.h>
#include <string.h>
#include <time.h>


void tlsfit_trace_reset(tlsfit_trace *t) {
    memset(t, 0, sizeof(*t));
    t->received_alert = -1;
    t->sent_alert = -1;
    t->server_cipher = -1;
    t->server_group = -1;
}

/* The HelloRetryRequest is a ServerHello whose random is this fixed value (RFC 8446 4.1.3). */
static const unsigned char hrr_random[32] = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

static void parse_server_hello(tlsfit_trace *t, const unsigned char *p, size_t len) {
    /* handshake header: type(1) length(3) */
    if (len < 4 + 2 + 32 + 1) return;
    const unsigned char *b = p + 4;
    size_t n = len - 4;
    t->server_hello_version = (b[0] << 8) | b[1];
    if (memcmp(b + 2, hrr_random, 32) == 0) t->hello_retry_request = 1;
    size_t off = 2 + 32;
    size_t sid = b[off];
    off += 1 + sid;
    if (off + 3 > n) return;
    t->server_cipher = (b[off] << 8) | b[off + 1];
    off += 3; /* cipher(2) + compression(1) */
    if (off + 2 > n) return;
    size_t extlen = (b[off] << 8) | b[off + 1];
    off += 2;
    size_t end = off + extlen;
    if (end > n) end = n;
    while (off + 4 <= end) {
        int type = (b[off] << 8) | b[off + 1];
        size_t l = (b[off + 2] << 8) | b[off + 3];
        off += 4;
        if (off + l > end) break;
        if (type == 43 && l == 2) t->server_selected_version = (b[off] << 8) | b[off + 1];
        if (type == 51 && l >= 2) t->server_group = (b[off] << 8) | b[off + 1];
        off += l;
    }
}

/* TLS 1.2 ServerKeyExchange: ECDHE carries curve_type 3 (named_curve) and the group id;
   DHE carries the prime p as a 2-byte length and big-endian bytes. */
static void parse_server_key_exchange(tlsfit_trace *t, SSL *ssl, const unsigned char *b, size_t n) {
    unsigned char code[2] = {(unsigned char)(t->server_cipher >> 8), (unsigned char)(t->server_cipher & 0xff)};
    const SSL_CIPHER *cipher = SSL_CIPHER_find(ssl, code);
    if (cipher == NULL) return;
    int kx = SSL_CIPHER_get_kx_nid(cipher);
    if (kx == NID_kx_ecdhe || kx == NID_kx_ecdhe_psk) {
        if (n >= 3 && b[0] == 3) t->server_group = (b[1] << 8) | b[2];
    } else if (kx == NID_kx_dhe || kx == NID_kx_dhe_psk) {
        size_t plen = ((size_t)b[0] << 8) | b[1];
        size_t i = 2;
        while (plen > 0 && i < n && b[i] == 0) { plen--; i++; }
        if (plen == 0 || i >= n) return;
        int bits = (int)plen * 8;
        unsigned int top = b[i];
        while (top < 0x80) { top <<= 1; bits--; }
        t->server_dh_bits = bits;
    }
}

static void trace_cb(int write_p, int version, int content_type, const void *buf, size_t len, SSL *ssl,
                     void *arg) {
    (void)version;
    tlsfit_trace *t = (tlsfit_trace *)arg;
    if (t == NULL || buf == NULL) return;
    const unsigned char *p = (const unsigned char *)buf;
    if (content_type == SSL3_RT_ALERT && len >= 2) {
        if (write_p) {
            t->sent_alert_level = p[0];
            t->sent_alert = p[1];
        } else {
            t->received_alert_level = p[0];
            t->received_alert = p[1];
            if (p[0] == SSL3_AL_WARNING) t->warning_alerts++;
        }
    } else if (content_type == SSL3_RT_HANDSHAKE && !write_p && len >= 4) {
        t->bytes_read += (long)len;
        if (p[0] == SSL3_MT_HELLO_REQUEST) t->hello_requests++;
        if (p[0] == SSL3_MT_SERVER_HELLO && !t->server_hello_seen) {
            parse_server_hello(t, p, len);
            if (!t->hello_retry_request) t->server_hello_seen = 1;
        } else if (p[0] == SSL3_MT_SERVER_HELLO && t->hello_retry_request) {
            t->hello_retry_request = 1;
            parse_server_hello(t, p, len);
            t->server_hello_seen = 1;
        } else if (p[0] == SSL3_MT_CERTIFICATE) {
            t->certificate_seen = 1;
        } else if (p[0] == SSL3_MT_SERVER_KEY_EXCHANGE && len >= 4 + 3 && t->server_cipher >= 0) {
            parse_server_key_exchange(t, ssl, p + 4, len - 4);
        } else if (p[0] == SSL3_MT_SERVER_DONE || p[0] == SSL3_MT_FINISHED) {
            t->server_hello_done = 1;
        }
    }
}

void tlsfit_ssl_set_trace(SSL *ssl, tlsfit_trace *trace) {
    SSL_set_msg_callback(ssl, trace_cb);
    SSL_set_msg_callback_arg(ssl, trace);
}

long tlsfit_ssl_set_tlsext_host_name(SSL *ssl, const char *name) { return SSL_set_tlsext_host_name(ssl, name); }
long tlsfit_ssl_ctx_set_min_proto_version(SSL_CTX *ctx, int v) { return SSL_CTX_set_min_proto_version(ctx, v); }
long tlsfit_ssl_ctx_set_max_proto_version(SSL_CTX *ctx, int v) { return SSL_CTX_set_max_proto_version(ctx, v); }
long tlsfit_ssl_ctx_set1_groups_list(SSL_CTX *ctx, const char *l) { return SSL_CTX_set1_groups_list(ctx, l); }
long tlsfit_ssl_ctx_set1_sigalgs_list(SSL_CTX *ctx, const char *l) { return SSL_CTX_set1_sigalgs_list(ctx, l); }
long tlsfit_ssl_set1_groups_list(SSL *ssl, const char *l) { return SSL_set1_groups_list(ssl, l); }
long tlsfit_ssl_get_negotiated_group(SSL *ssl) { return SSL_get_negotiated_group(ssl); }
EVP_PKEY *tlsfit_ssl_get_peer_tmp_key(SSL *ssl) {
    EVP_PKEY *k = NULL;
    if (SSL_get_peer_tmp_key(ssl, &k) != 1) return NULL;
    return k;
}
long tlsfit_ssl_ctx_set_tmp_dh_auto(SSL_CTX *ctx, long on) { return SSL_CTX_set_dh_auto(ctx, on); }
long tlsfit_ssl_ctx_add_extra_chain_cert(SSL_CTX *ctx, X509 *c) { return SSL_CTX_add_extra_chain_cert(ctx, c); }
long tlsfit_ssl_ctx_set_session_cache_mode(SSL_CTX *ctx, long m) { return SSL_CTX_set_session_cache_mode(ctx, m); }

uint64_t tlsfit_ssl_op_cipher_server_preference(void) { return SSL_OP_CIPHER_SERVER_PREFERENCE; }
uint64_t tlsfit_ssl_op_no_ticket(void) { return SSL_OP_NO_TICKET; }
uint64_t tlsfit_ssl_op_legacy_server_connect(void) { return SSL_OP_LEGACY_SERVER_CONNECT; }
uint64_t tlsfit_ssl_op_ignore_unexpected_eof(void) { return SSL_OP_IGNORE_UNEXPECTED_EOF; }
uint64_t tlsfit_ssl_op_no_compression(void) { return SSL_OP_NO_COMPRESSION; }
uint64_t tlsfit_ssl_op_no_renegotiation(void) { return SSL_OP_NO_RENEGOTIATION; }
uint64_t tlsfit_ssl_op_allow_unsafe_legacy_renegotiation(void) { return SSL_OP_ALLOW_UNSAFE_LEGACY_RENEGOTIATION; }

int tlsfit_err_get_lib(unsigned long e) { return ERR_GET_LIB(e); }
int tlsfit_err_get_reason(unsigned long e) { return ERR_GET_REASON(e); }
unsigned long tlsfit_xn_flags_rfc2253_utf8(void) { return XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB; }

/* ---- Deadline and budgets on every read ---- */

static uint64_t monotonic_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void tlsfit_guard_init(tlsfit_guard *g, const tlsfit_trace *trace, long timeout_ms, long max_bytes, long max_noise) {
    memset(g, 0, sizeof(*g));
    g->deadline_ns = monotonic_ns() + (uint64_t)(timeout_ms < 0 ? 0 : timeout_ms) * 1000000ull;
    g->max_bytes = max_bytes;
    g->max_noise = max_noise;
    g->trace = trace;
}

/* Before a read: refuse it (no retry) once a limit is passed; after it: count the bytes. */
static long guard_cb(BIO *b, int oper, const char *argp, size_t len, int argi, long argl, int ret, size_t *processed) {
    (void)argp; (void)len; (void)argi; (void)argl;
    tlsfit_guard *g = (tlsfit_guard *)BIO_get_callback_arg(b);
    if (g == NULL) return ret;
    if (oper == BIO_CB_READ) {
        int reason = 0;
        if (monotonic_ns() >= g->deadline_ns) reason = 1;
        else if (g->max_bytes > 0 && g->bytes_in > g->max_bytes) reason = 2;
        else if (g->trace != NULL && g->max_noise > 0 &&
                 (g->trace->warning_alerts > g->max_noise || g->trace->hello_requests > g->max_noise)) reason = 3;
        if (reason != 0) {
            g->stop_reason = reason;
            BIO_clear_retry_flags(b);
            return -1;
        }
    } else if (oper == (BIO_CB_READ | BIO_CB_RETURN) && ret > 0 && processed != NULL) {
        g->bytes_in += (long)*processed;
    }
    return ret;
}

BIO *tlsfit_guarded_socket_bio(int fd, tlsfit_guard *g) {
    BIO *bio = BIO_new_socket(fd, BIO_NOCLOSE);
    if (bio == NULL) return NULL;
    BIO_set_callback_arg(bio, (char *)g);
    BIO_set_callback_ex(bio, guard_cb);
    return bio;
}
