internal import COpenSSL
import FoundationEssentials
import TLSFitCore

/// Fresh public keys for TLS 1.3 key shares, so a server that picks any of them sees a valid key.
/// The private halves are thrown away: tlsfit reads the ServerHello and stops.
enum KeyShareGenerator {
    /// Public keys by group id (x25519, x448, secp256r1/384r1/521r1); groups OpenSSL cannot make are left out.
    static func publicKeys(for groups: [UInt16]) -> [UInt16: [UInt8]] {
        var result: [UInt16: [UInt8]] = [:]
        for group in groups {
            if let key = publicKey(group) { result[group] = key }
        }
        return result
    }

    private static func publicKey(_ group: UInt16) -> [UInt8]? {
        let algorithm: String
        var curve: String?
        switch group {
        case 0x001D: algorithm = "X25519"
        case 0x001E: algorithm = "X448"
        case 0x0017:
            algorithm = "EC"
            curve = "P-256"
        case 0x0018:
            algorithm = "EC"
            curve = "P-384"
        case 0x0019:
            algorithm = "EC"
            curve = "P-521"
        default: return nil
        }
        guard let ctx = EVP_PKEY_CTX_new_from_name(nil, algorithm, nil) else { return nil }
        defer { EVP_PKEY_CTX_free(ctx) }
        guard EVP_PKEY_keygen_init(ctx) == 1 else { return nil }
        if let curve, EVP_PKEY_CTX_set_group_name(ctx, curve) != 1 { return nil }
        var pkey: OpaquePointer?
        guard EVP_PKEY_keygen(ctx, &pkey) == 1, let key = pkey else { return nil }
        defer { EVP_PKEY_free(key) }
        var out: UnsafeMutablePointer<UInt8>?
        let length = EVP_PKEY_get1_encoded_public_key(key, &out)
        guard length > 0, let out else { return nil }
        defer { CRYPTO_free(out, #fileID, #line) }
        return Array(UnsafeBufferPointer(start: out, count: length))
    }
}
