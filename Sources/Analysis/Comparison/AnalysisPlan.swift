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

    /// The one place a declaration becomes a plan: its values, or the stated defaults.
    public init(_ d: PlanDeclaration = PlanDeclaration(), alpha: Double = 0.05) {
        baseline = d.baseline
        targetError = d.targetError
        equivalenceMargin = d.equivalenceMargin ?? Self.defaultMargin
        pilotCV = d.pilotCV ?? Self.defaultPilotCV
        smallestEffect = d.smallestEffect ?? Self.defaultSmallestEffect
        self.alpha = alpha
        declared = d.declaredNames
    }

    /// This study's plan with command-line choices on top (they count as declared).
    init(_ study: StudyRecord?, overrides: PlanDeclaration) {
        self.init((study?.plan ?? PlanDeclaration()).overridden(by: overrides))
    }
}
