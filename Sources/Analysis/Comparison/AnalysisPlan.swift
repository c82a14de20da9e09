import Foundation
import RunStore

/// What the comparisons are held to, declared by a study spec before it
/// runs (stored in the `studies` table) or left at the stated defaults.
public struct AnalysisPlan: Codable, Sendable, Equatable {
    /// The arm every other arm is compared with; nil: the BP arm.
    public var baseline: String?
    /// Error that defines time to target (a fraction); nil: the least
    /// accurate arm's median best validation error.
    public var targetError: Double?
    /// Half-width of the equivalence region for accuracy, in percentage points.
    public var equivalenceMargin: Double
    /// Coefficient of variation of one run's time or memory, from a pilot,
    /// for the a priori detectable ratio.
    public var pilotCV: Double
    /// The smallest ratio worth detecting.
    public var smallestEffect: Double
    public var alpha: Double
    /// Which of the values above the study declared (the rest are defaults).
    public var declared: [String]

    enum CodingKeys: String, CodingKey {
        case baseline, alpha, declared
        case targetError = "target_error"
        case equivalenceMargin = "equivalence_margin"
        case pilotCV = "pilot_cv"
        case smallestEffect = "smallest_effect"
    }

    public static let defaultMargin = 0.5
    public static let defaultPilotCV = 0.10
    public static let defaultSmallestEffect = 1.10

    public init(baseline: String? = nil, targetError: Double? = nil, equivalenceMargin: Double? = nil,
                pilotCV: Double? = nil, smallestEffect: Double? = nil, alpha: Double = 0.05) {
        self.baseline = baseline
        self.targetError = targetError
        self.equivalenceMargin = equivalenceMargin ?? Self.defaultMargin
        self.pilotCV = pilotCV ?? Self.defaultPilotCV
        self.smallestEffect = smallestEffect ?? Self.defaultSmallestEffect
        self.alpha = alpha
        let given: [(String, Bool)] = [("baseline", baseline != nil), ("target_error", targetError != nil),
                                       ("equivalence_margin", equivalenceMargin != nil), ("pilot_cv", pilotCV != nil),
                                       ("smallest_effect", smallestEffect != nil)]
        declared = given.filter(\.1).map(\.0)
    }

    init(_ study: StudyRecord?) {
        self.init(baseline: study?.baseline, targetError: study?.targetError, equivalenceMargin: study?.equivalenceMargin,
                  pilotCV: study?.pilotCV, smallestEffect: study?.smallestEffect)
    }

    /// This plan with command-line choices on top.
    public func overriding(baseline b: String?, targetError t: Double?, margin m: Double?) -> AnalysisPlan {
        var p = AnalysisPlan(baseline: b ?? baseline, targetError: t ?? targetError,
                             equivalenceMargin: m ?? (declared.contains("equivalence_margin") ? equivalenceMargin : nil),
                             pilotCV: declared.contains("pilot_cv") ? pilotCV : nil,
                             smallestEffect: declared.contains("smallest_effect") ? smallestEffect : nil, alpha: alpha)
        p.declared = Array(Set(declared + p.declared)).sorted()
        return p
    }
}
