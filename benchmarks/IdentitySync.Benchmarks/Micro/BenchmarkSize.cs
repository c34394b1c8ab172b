namespace IdentitySync.Benchmarks.Micro;

/// <summary>Sizes of the micro-benchmarks' data; IDENTITYSYNC_BENCH_TINY=1 shrinks them for CI's untimed run.</summary>
internal static class BenchmarkSize
{
    public static bool Tiny => Environment.GetEnvironmentVariable("IDENTITYSYNC_BENCH_TINY") == "1";

    public static int Accounts => Tiny ? 500 : 20_000;
}
