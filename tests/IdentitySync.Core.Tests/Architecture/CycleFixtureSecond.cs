namespace IdentitySync.Tests.Architecture.CycleFixture.Second;

// The other half of the deliberate cycle: a signature reference back to the first namespace.
internal static class SecondHalf
{
    public static int Value => 1;

    public static Func<int> Back() => First.FirstHalf.Call;
}
