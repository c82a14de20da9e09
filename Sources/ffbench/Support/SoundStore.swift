import RunStore

extension RunStore {
    /// What `report`, `compare` and a study's closing report do before
    /// reading: refuse values that cannot be true, and say which runs marked
    /// running are read as interrupted (the file may be read-only, so it
    /// cannot be told).
    func checkedForAnswer() throws -> RunStore {
        for problem in try requireSound(.invariants) {
            Console.status("note: \(path): \(problem)")
        }
        return self
    }
}
