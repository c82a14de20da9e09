import Foundation
import GRDB
import Testing
@testable import RunStore

/// What the store keeps means one thing: metric names stored as the text
/// docs/schema.md lists, host facts of older files still read, a study's
/// declared plan stored in its own columns and read back whole.
@Suite struct StoredRecordTests {
    @Test func sampleMetricsAreStoredAsTheirNames() throws {
        let store = try RunStore.open(temporaryPath("m.sqlite"))
        let run = sampleRun()
        try store.insert(run)
        try store.insert(samples: [SampleRecord(runID: run.id, t: 0, metric: .rss, value: 1),
                                   SampleRecord(runID: run.id, t: 0, metric: .tensorBytes("weights"), value: 2),
                                   SampleRecord(runID: run.id, t: 0, metric: .gpuMemory, value: 3)])
        let raw: [String] = try store.read { try String.fetchAll($0, sql: "SELECT metric FROM samples ORDER BY value") }
        #expect(raw == ["rss_bytes", "tensor_bytes.weights", "gpu_memory_bytes"])
        let read = try store.samples(run.id, metric: .tensorBytes("weights"))
        #expect(read.map(\.value) == [2] && read[0].metric.tensorCategory == "weights")
        #expect(SampleMetric.rss.isMemoryCurve && SampleMetric.gpuDeviceMemory.isMemoryCurve && !SampleMetric.tensorBytes.isMemoryCurve)
        #expect(try store.sampleSummaries([run.id], metrics: [.gpuMemory, .gpuUtilization])[run.id]?[.gpuMemory]?.max == 3)
    }

    @Test func hostFactsOfAnOlderRunStillRead() throws {
        var run = sampleRun()
        // As ffbench stored it before the energy and timing facts existed.
        run.hostJSON = #"{"hostname":"old","cpu_model":"Xeon","cores":2,"blas_config":"OpenBLAS 0.3"}"#
        let host = try #require(run.host)
        #expect(host.summary == "old: Xeon, 2 cores, OpenBLAS 0.3")
        #expect(host.energy == nil && host.governor == nil && host.blasCore == "?")
        run.hostJSON = "not json"
        #expect(run.host == nil)
    }

    @Test func aStudysPlanIsStoredInItsColumnsAndReadBackWhole() throws {
        let store = try RunStore.open(temporaryPath("p.sqlite"))
        let plan = PlanDeclaration(baseline: "bp", targetError: 0.05, equivalenceMargin: 0.25, pilotCV: 0.08, smallestEffect: 1.2)
        try store.declare(StudyRecord(name: "s", plan: plan, specJSON: "{}"))
        let columns: Row? = try store.read {
            try Row.fetchOne($0, sql: "SELECT baseline, target_error, equivalence_margin, pilot_cv, smallest_effect FROM studies")
        }
        let baseline: String? = columns?["baseline"], smallest: Double? = columns?["smallest_effect"], cv: Double? = columns?["pilot_cv"]
        #expect(baseline == "bp" && smallest == 1.2 && cv == 0.08)
        #expect(try store.studies().first?.plan == plan)
        #expect(plan.declaredNames == ["baseline", "target_error", "equivalence_margin", "pilot_cv", "smallest_effect"])
        // Declared again with less, the old values do not linger.
        try store.declare(StudyRecord(name: "s", plan: PlanDeclaration(baseline: "bp"), specJSON: "{}"))
        #expect(try store.studies().first?.plan == PlanDeclaration(baseline: "bp"))
        #expect(PlanDeclaration(baseline: "bp", pilotCV: 0.1).overridden(by: PlanDeclaration(baseline: "ff", targetError: 0.02))
                == PlanDeclaration(baseline: "ff", targetError: 0.02, pilotCV: 0.1))
    }
}
