public enum CipherSuitesData {}
