namespace GraphGen.Tests;

/// <summary>Allocation checks of the test projects: what "allocates nothing" means when the runtime itself may allocate once.</summary>
internal static class Allocations
{
    /// <summary>
    /// Bytes <paramref name="window"/> allocates on this thread, measured up to three times (each
    /// after <paramref name="setUp"/>, which runs outside the measurement): the first window without
    /// any allocation ends it. The runtime itself can allocate once on a thread while the process
    /// warms up (CI runs saw 7–7.2 KB in one window of otherwise allocation-free loops: tiered
    /// compilation starting its background worker, most likely); code that allocates on every
    /// call does so in every window.
    /// </summary>
    public static long InQuietestWindow(Action window, Action? setUp = null)
    {
        long allocated = 0;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            setUp?.Invoke();
            long before = GC.GetAllocatedBytesForCurrentThread();
            window();
            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            if (allocated == 0) break;
        }
        return allocated;
    }
}
