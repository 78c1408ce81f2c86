import Foundation
import Synchronization

/// Progress of a `run` invocation: on a terminal, one live status line (runs done / total, the runs
/// in progress with epoch and loss, ETA) on standard error; otherwise one plain line per finished
/// epoch and per finished run on standard output.
public final class ProgressReporter: Sendable {
    let interactive: Bool
    /// The counts and the runs in progress, behind one lock that also keeps output lines whole.
    private let state: Mutex<State>
    private let start = Date()
    /// Redraws the live line twice a second (terminals only). Set once in `init`; libdispatch's
    /// sources are thread-safe, but Linux's Dispatch does not mark the protocol `Sendable`.
    nonisolated(unsafe) private let timer: (any DispatchSourceTimer)?

    private struct State {
        var total: Int
        var done: Int
        var active: [String: (name: String, epoch: Int, epochs: Int, loss: Double)] = [:]
    }

    public init(total: Int, alreadyDone: Int, interactive: Bool = isatty(STDERR_FILENO) != 0) {
        state = Mutex(State(total: total, done: alreadyDone))
        self.interactive = interactive
        timer = interactive ? DispatchSource.makeTimerSource(queue: .global()) : nil
        if let timer {
            timer.schedule(deadline: .now() + 0.5, repeating: 0.5)
            timer.setEventHandler { [weak self] in self?.redraw() }
            timer.resume()
        }
    }

    /// Counts runs that a later stage of the plan added.
    public func planned(more count: Int) {
        state.withLock { $0.total += count }
    }

    func started(key: String, name: String, epochs: Int, resumedAt: Int) {
        state.withLock { $0.active[key] = (name, resumedAt, epochs, .nan) }
        if !interactive { line("start  \(name)" + (resumedAt > 0 ? " (resuming after epoch \(resumedAt))" : "")) }
    }

    func epochFinished(key: String, epoch: Int, loss: Double) {
        let entry = state.withLock { state in
            state.active[key]?.epoch = epoch
            state.active[key]?.loss = loss
            return state.active[key]
        }
        if !interactive, let entry {
            line("epoch  \(entry.name): \(epoch)/\(entry.epochs) train_loss \(String(format: "%.6g", loss))")
        }
    }

    func finished(key: String, outcome: RunOutcome) {
        let (entry, count, total) = state.withLock { state in
            let entry = state.active.removeValue(forKey: key)
            if outcome != .interrupted { state.done += 1 }
            return (entry, state.done, state.total)
        }
        let what: String
        switch outcome {
        case .completed: what = "done"
        case .diverged(let step, _): what = "diverged at step \(step)"
        case .interrupted: what = "interrupted (resumable)"
        }
        line("\(what)  \(entry?.name ?? key) [\(count)/\(total)]")
    }

    func failed(key: String, message: String) {
        let entry = state.withLock { state in
            state.done += 1
            return state.active.removeValue(forKey: key)
        }
        line("FAILED  \(entry?.name ?? key): \(message)")
    }

    public func stop() {
        timer?.cancel()
        if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }

    private func redraw() {
        let (count, total, running) = state.withLock { state in
            (state.done, state.total, state.active.values.sorted { $0.name < $1.name })
        }
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
        state.withLock { _ in
            if interactive { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
            print(text)
            fflush(nil)  // all streams: keeps these lines in order with the command's own print()s
        }
    }

    static func duration(_ seconds: Double) -> String {
        let s = Int(seconds)
        return s >= 3600
            ? "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
            : s >= 60 ? "\(s / 60)m\(String(format: "%02d", s % 60))s" : "\(s)s"
    }
}
