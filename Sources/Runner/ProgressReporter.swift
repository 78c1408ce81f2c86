import Foundation

/// Progress of a `run` invocation: on a terminal, one live status line (runs done / total, the runs
/// in progress with epoch and loss, ETA) on standard error; otherwise one plain line per finished
/// epoch and per finished run on standard output.
public final class ProgressReporter: @unchecked Sendable {
    let interactive: Bool
    private let lock = NSLock()
    private var total: Int
    private var done = 0
    private var active: [String: (name: String, epoch: Int, epochs: Int, loss: Double)] = [:]
    private let start = Date()
    private var timer: DispatchSourceTimer?

    public init(total: Int, alreadyDone: Int, interactive: Bool = isatty(STDERR_FILENO) != 0) {
        self.total = total
        done = alreadyDone
        self.interactive = interactive
        if interactive {
            let t = DispatchSource.makeTimerSource(queue: .global())
            t.schedule(deadline: .now() + 0.5, repeating: 0.5)
            t.setEventHandler { [weak self] in self?.redraw() }
            t.resume()
            timer = t
        }
    }

    /// Counts runs that a later stage of the plan added.
    public func planned(more count: Int) {
        lock.lock()
        total += count
        lock.unlock()
    }

    func started(key: String, name: String, epochs: Int, resumedAt: Int) {
        lock.lock()
        active[key] = (name, resumedAt, epochs, .nan)
        lock.unlock()
        if !interactive { line("start  \(name)" + (resumedAt > 0 ? " (resuming after epoch \(resumedAt))" : "")) }
    }

    func epochFinished(key: String, epoch: Int, loss: Double) {
        lock.lock()
        active[key]?.epoch = epoch
        active[key]?.loss = loss
        let entry = active[key]
        lock.unlock()
        if !interactive, let entry {
            line("epoch  \(entry.name): \(epoch)/\(entry.epochs) train_loss \(String(format: "%.6g", loss))")
        }
    }

    func finished(key: String, outcome: RunOutcome) {
        lock.lock()
        let entry = active.removeValue(forKey: key)
        if outcome != .interrupted { done += 1 }
        let (count, total) = (done, total)
        lock.unlock()
        let what: String
        switch outcome {
        case .completed: what = "done"
        case .diverged(let step, _): what = "diverged at step \(step)"
        case .interrupted: what = "interrupted (resumable)"
        }
        line("\(what)  \(entry?.name ?? key) [\(count)/\(total)]")
    }

    func failed(key: String, message: String) {
        lock.lock()
        let entry = active.removeValue(forKey: key)
        done += 1
        lock.unlock()
        line("FAILED  \(entry?.name ?? key): \(message)")
    }

    public func stop() {
        timer?.cancel()
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func redraw() {
        lock.lock()
        let (count, total, running) = (done, total, active.values.sorted { $0.name < $1.name })
        lock.unlock()
        let elapsed = Date().timeIntervalSince(start)
        let fraction =
            (Double(count) + running.reduce(0.0) { $0 + Double($1.epoch) / Double(max($1.epochs, 1)) })
            / Double(max(total, 1))
        let eta = fraction > 0.01 ? elapsed / fraction - elapsed : .nan
        let runs = running.map {
            "\($0.name.split(separator: " ").prefix(2).joined(separator: " ")) e\($0.epoch)/\($0.epochs) \(String(format: "%.4g", $0.loss))"
        }
        let text =
            "[\(count)/\(total)] " + runs.joined(separator: " | ")
            + (eta.isFinite ? " | ETA \(Self.duration(eta))" : "")
        FileHandle.standardError.write(Data("\r\u{1B}[K\(text.prefix(200))".utf8))
    }

    private func line(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
        print(text)
        fflush(nil)  // all streams: keeps these lines in order with the command's own print()s
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        return s >= 3600
            ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
            : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
