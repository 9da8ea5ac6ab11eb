using GraphGen.Distributed.Mpi;

namespace GraphGen.Distributed.Tests;

/// <summary>What a program without MPI, or with the wrong MPI, sees.</summary>
public sealed class MpiLoadingTests
{
    [Fact]
    public void WithoutMpirunNoGroupIsJoinedAndNoLibraryIsLoaded()
    {
        if (MpiProcessGroup.LaunchedByMpirun) return;   // this test process itself runs under mpirun: nothing to check
        Assert.Null(MpiProcessGroup.JoinIfLaunched());
        Assert.DoesNotContain(File.ReadLines("/proc/self/maps"), line => line.Contains("libmpi.so", StringComparison.Ordinal));
    }

    [Fact]
    public void AMissingLibraryIsAnErrorThatSaysWhatToInstall()
    {
        var error = Assert.Throws<MpiException>(() => OpenMpi.Load("/nonexistent/libmpi.so.40"));
        Assert.Contains("/nonexistent/libmpi.so.40", error.Message);
        Assert.Contains("apt-get install openmpi-bin libopenmpi-dev", error.Message);
        Assert.Contains("Single-process training needs no MPI", error.Message);
    }

    [Fact]
    public void ALibraryThatIsNotOpenMpiIsRefusedByName()
    {
        var error = Assert.Throws<MpiException>(() => OpenMpi.Load("libc.so.6"));
        Assert.Contains("no symbol 'ompi_mpi_comm_world'", error.Message);
    }

    [Fact]
    public void FingerprintsSeeEveryBit()
    {
        float[] values = [1f, -0f, 3.5f];
        var a = new Fingerprint();
        a.Add(values);
        values[1] = 0f;   // +0 and −0 compare equal as floats, not as bits
        var b = new Fingerprint();
        b.Add(values);
        Assert.NotEqual(a.Value, b.Value);
        var c = new Fingerprint();
        c.Add([1f, 0f, 3.5f]);
        Assert.Equal(b.Value, c.Value);
    }
}
