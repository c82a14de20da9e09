import Foundation

/// Whether a Slurm job has its node to itself: its own OverSubscribe
/// setting (scontrol) and the other jobs squeue lists on the node.
enum SlurmNode {
    struct Finding: Sendable {
        var text: String
        /// Other jobs run on the node now.
        var shared: Bool
        /// The job asked for the node exclusively.
        var exclusive: Bool
    }

    static func check(environment: [String: String]) -> Finding? {
        guard let job = environment["SLURM_JOB_ID"], !job.isEmpty else { return nil }
        let node = environment["SLURMD_NODENAME"] ?? ProcessInfo.processInfo.hostName
        let show = ThisHost.output(["scontrol", "show", "job", job]) ?? ""
        let exclusive = show.contains("OverSubscribe=NO")
        guard let queue = ThisHost.output(["squeue", "-h", "-w", node, "-o", "%A"]) else {
            return Finding(text: "Slurm job \(job) on \(node): could not ask squeue which other jobs share the node", shared: false, exclusive: exclusive)
        }
        let mine = environment["SLURM_ARRAY_JOB_ID"].map { [job, $0] } ?? [job]
        let others = queue.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !mine.contains($0) }
        if !others.isEmpty {
            return Finding(text: "Slurm job \(job) shares node \(node) with \(others.count) other job(s) (\(others.prefix(5).joined(separator: ", ")))", shared: true, exclusive: exclusive)
        }
        return Finding(text: exclusive ? "Slurm job \(job) has node \(node) to itself (exclusive)"
                                       : "Slurm job \(job) is alone on node \(node) now, but not exclusive: other jobs may start beside it (sbatch --exclusive)",
                       shared: false, exclusive: exclusive)
    }
}
