import Foundation
import Tensor

/// The benchmarks' figures as the terminal shows them.
extension TrainingBench {
    public var text: String {
        let pct = { (x: Double) in String(format: "%.1f %%", 100 * x) }
        var lines = ["\(algorithm) \(layers), batch \(batchSize), \(threads) BLAS thread(s), MNIST"]
        lines.append(String(format: "  step %.4f s (mean of all %d steps %.4f s), %.2f GFLOP: %.1f GFLOP/s; sgemm alone at these %d shapes %.1f GFLOP/s; efficiency %@",
                            step.stepSeconds, step.steps, step.meanStepSeconds, step.flops / 1e9, achievedGflops,
                            limit.shapes.count, limit.gflops, pct(efficiency)))
        lines.append(String(format: "  FMA peak at %d thread(s) %.1f GFLOP/s (%@): the step at %@ of it",
                            fmaPeak.threads, fmaPeak.gflops, fmaPeak.instructionSet, pct(peakShare)))
        // The step's time: sgemm's kernel (at its large-shape speed), sgemm's packing and overhead, and the rest.
        let kernel = min(limit.kernelSeconds, step.gemmSeconds)
        lines.append(String(format: "  step split: kernel %.1f ms, packing and call overhead %.1f ms, outside sgemm %.1f ms (%@ / %@ / %@)",
                            1000 * kernel, 1000 * (step.gemmSeconds - kernel), 1000 * (step.stepSeconds - step.gemmSeconds),
                            pct(kernel / step.stepSeconds), pct((step.gemmSeconds - kernel) / step.stepSeconds),
                            pct(step.outsideGemmShare)))
        lines.append("  time outside sgemm: \(pct(step.outsideGemmShare)) of the step; "
                     + "ledger allocations after the first step: \(step.allocationsAfterFirstStep)")
        let overhead = recorderOverhead.map { String(format: "recorder overhead %+.2f %% (%d of %d pairs undisturbed)", 100 * $0, undisturbedPairs, pairs) }
            ?? "recorder overhead not reported: the machine disturbed every one of \(pairs) pairs"
        lines.append(String(format: "  epoch (%d batches, median of the undisturbed of %d) %.2f s; recorded every %.0f ms %.2f s: %@; recorder threads' CPU %.2f %% of the time they ran",
                            epochBatches, pairs, epochSeconds, sampleInterval * 1000, recordedEpochSeconds, overhead,
                            100 * recorderCPUShare))
        lines.append(String(format: "  whole epoch at %.1f GFLOP/s: %@ of the FMA peak", fmaPeak.gflops * epochPeakShare, pct(epochPeakShare)))
        lines.append(String(format: "  evaluation of 10000 test images %.2f s: %@ of the training time of 50000 images (%.2f s)",
                            evaluationSeconds, pct(evaluationShare), evaluationSeconds / evaluationShare))
        if let m = memory { lines.append(m.text(indent: "  ")) }
        return lines.joined(separator: "\n")
    }

    public static func summary(_ results: [TrainingBench]) -> String {
        var lines = ["", "config                     step s   GFLOP/s  sgemm GFLOP/s  efficiency  outside sgemm  epoch s  epoch/peak  recorder  recorder CPU"]
        for r in results {
            let name = "\(r.algorithm) \(r.layers) b\(r.batchSize)".padding(toLength: 25, withPad: " ", startingAt: 0)
            let overhead = r.recorderOverhead.map { String(format: "%+7.2f%%", 100 * $0) } ?? "disturbed"
            lines.append(String(format: "%@  %7.4f  %8.1f  %13.1f  %9.1f%%  %12.1f%%  %7.2f  %9.1f%%  %@  %11.2f%%", name, r.step.stepSeconds,
                                r.achievedGflops, r.limit.gflops, 100 * r.efficiency, 100 * r.step.outsideGemmShare,
                                r.epochSeconds, 100 * r.epochPeakShare, overhead, 100 * r.recorderCPUShare))
        }
        // What BP's memory-saving variants cost in time: against plain BP at the same network and batch, in this run.
        let variants = results.filter { $0.algorithm.hasPrefix("bp-") }.compactMap { v -> String? in
            guard let plain = results.first(where: { $0.algorithm == "bp" && $0.layers == v.layers && $0.batchSize == v.batchSize }) else { return nil }
            return String(format: "%@ %@ b%d: step %.3fx, epoch %.3fx plain BP's", v.algorithm, v.layers, v.batchSize,
                          v.step.stepSeconds / plain.step.stepSeconds, v.epochSeconds / plain.epochSeconds)
        }
        if !variants.isEmpty { lines += ["", "time cost of BP's memory-saving variants (same network and batch, this run):"] + variants.map { "  " + $0 } }
        return lines.joined(separator: "\n")
    }
}

extension MemoryUse {
    public func text(indent: String) -> String {
        let mib = { (b: Int) in String(format: "%.1f MiB", Double(b) / 1_048_576) }
        let planned: [String: Int] = ["weights": plan.weights, "gradients": plan.gradients, "optimizer": plan.optimizer,
                                      "activations": plan.activations, "dataset": plan.dataset, "other": plan.other]
        return "\(indent)memory of \(algorithm) \(layers) batch \(batchSize): peak RSS \(mib(peakRSSBytes)), "
            + "analytic minimum \(mib(planTotal)) (RSS \(rssOverPlan >= 0 ? "+" : "")\(mib(rssOverPlan)))\n"
            + indent + "  ledger peak / analytic: " + TensorCategory.allCases.map(\.rawValue).map {
                "\($0) \(mib(ledgerPeak[$0] ?? 0)) / \(mib(planned[$0] ?? 0))"
            }.joined(separator: ", ")
    }

    public static func table(_ results: [MemoryUse]) -> String {
        let mib = { (b: Int) in String(format: "%9.1f", Double(b) / 1_048_576) }
        var lines = ["", "config                       peak RSS MiB  analytic MiB  RSS-analytic  activations MiB (ledger / analytic)"]
        for m in results {
            let name = "\(m.algorithm) \(m.layers) b\(m.batchSize)".padding(toLength: 27, withPad: " ", startingAt: 0)
            lines.append("\(name)  \(mib(m.peakRSSBytes))     \(mib(m.planTotal))     \(mib(m.rssOverPlan))  "
                         + "\(mib(m.ledgerPeak["activations"] ?? 0)) / \(mib(m.plan.activations))")
        }
        return lines.joined(separator: "\n")
    }
}

extension RecorderOverhead {
    public func text(dataset: String, interval: Double) -> String {
        let seconds = { (x: [Double]) -> String in x.map { String(format: "%.3f", $0) }.joined(separator: "  ") }
        let marks: [String] = zip(plainDisturbed, recordedDisturbed).map { p, r in (p ? "yes" : "no") + "/" + (r ? "yes" : "no") }
        var result: String = "  overhead not reported: every pair was disturbed by the machine (\(samplesWritten) samples written)"
        if let o = overhead {
            result = String(format: "  overhead over the %d undisturbed pairs (median recorded / median plain - 1): %+.2f%%  (%d samples written)",
                            undisturbedPairs, 100 * o, samplesWritten)
        }
        let lines: [String] = [
            "recorder overhead, \(config) on \(dataset), sampling every \(Int(interval * 1000)) ms",
            "  plain epochs (s):    " + seconds(plainSeconds),
            "  recorded epochs (s): " + seconds(recordedSeconds),
            "  disturbed by the machine (plain/recorded): " + marks.joined(separator: "  "),
            result,
            "  recorder threads' CPU (s):  " + seconds(recorderCPUSeconds),
            String(format: "  recorder threads' CPU over the time they ran (median): %.2f%%", 100 * recorderCPUShare),
        ]
        return lines.joined(separator: "\n")
    }
}
