namespace IdentitySync.Tests.Architecture.CycleFixture.First;

// Half of a deliberate namespace cycle, used only in a method body, so the graph reader is proven to see both.
internal static class FirstHalf
{
    public static int Call() => Second.SecondHalf.Value + 1;
}
