/// The outcome of a hypothesis test (two-sided unless stated).
public struct TestResult: Codable, Sendable, Equatable {
    /// welch-t, student-t, paired-t, mann-whitney-u, wilcoxon-signed-rank.
    public var test: String
    public var statistic: Double
    public var pValue: Double
    public var df: Double?
    /// How the p-value was obtained: t, exact, asymptotic, permutation, F.
    public var method: String

    enum CodingKeys: String, CodingKey {
        case test, statistic, df, method
        case pValue = "p_value"
    }
}
