/// SplitMix64 (Steele, Lea and Flood 2014): the one 64-bit generator every
/// module seeds from. Tensor's xoshiro256** takes its state from it, the
/// bootstrap resamples with it, the synthetic benchmark database draws
/// from it. Integer arithmetic only, so a seed gives the same stream on
/// every platform.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// The draws ffbench's generators (SplitMix64, Tensor's xoshiro256**) make
/// from their 64-bit outputs, written once.
extension RandomNumberGenerator {
    /// Unbiased in 0..<n (Lemire's multiply-and-reject).
    public mutating func below(_ n: Int) -> Int {
        let b = UInt64(n)
        var m = next().multipliedFullWidth(by: b)
        if m.low < b {
            let t = (0 &- b) % b
            while m.low < t { m = next().multipliedFullWidth(by: b) }
        }
        return Int(m.high)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }
}
