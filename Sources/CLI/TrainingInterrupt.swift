// Ctrl-C for `latent train sft` and `latent train rl`: a long run must not lose its work to a
// keypress. The first Ctrl-C asks the trainer to stop at its next optimizer step; the command
// then saves (`--save`) and evaluates the model as it stands, as if the run had ended. A second
// Ctrl-C quits at once with status 130 — but never in the middle of writing the checkpoint:
// there it takes effect when the checkpoint is complete. Once the checkpoint is written, Ctrl-C
// ends the command the usual way.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Support
import Training

/// Watches SIGINT during one CLI training command.
final class TrainingInterrupt {
    private let baseline: Int
    private let watcher: InterruptWatcher
    private let saving = SavingFlag()
    private var announced = false

    /// Installs the SIGINT counter; presses from now on count.
    init() {
        InterruptSignal.install()
        baseline = InterruptSignal.count
        watcher = InterruptWatcher(interval: 50) { [saving] presses in
            if presses >= 2 && !saving.value { Self.quit() }
        }
    }

    deinit { watcher.stop() }

    /// Whether Ctrl-C was pressed since `init`.
    var requested: Bool { InterruptSignal.count != baseline }

    /// The trainer callback's answer: `.stop` once Ctrl-C was pressed (announced once on
    /// standard error), `.continue` otherwise.
    func control() -> TrainingControl {
        guard requested else { return .continue }
        if !announced {
            announced = true
            FileHandle.standardError.write(Data(
                "\nCtrl-C: stopping after this step, then saving and evaluating (Ctrl-C again to quit at once)\n".utf8))
        }
        return .stop
    }

    /// Call when training has ended: runs `save` (writing the checkpoint, if any) with a second
    /// Ctrl-C held back until it returns; afterwards Ctrl-C terminates the command at once.
    func trainingEnded<T>(save: () throws -> T) rethrows -> T {
        saving.value = true
        defer {
            saving.value = false
            if InterruptSignal.count - baseline >= 2 { Self.quit() }
            watcher.stop()
            signal(SIGINT, SIG_DFL)
        }
        return try save()
    }

    private static func quit() -> Never {
        FileHandle.standardError.write(Data("\nInterrupted.\n".utf8))
        exit(130)
    }
}

/// A Bool read by the watcher's queue and written by the command's thread.
private final class SavingFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    var value: Bool {
        get { lock.withLock { flag } }
        set { lock.withLock { flag = newValue } }
    }
}
