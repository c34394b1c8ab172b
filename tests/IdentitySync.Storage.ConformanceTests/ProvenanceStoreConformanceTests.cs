namespace IdentitySync.Storage.ConformanceTests;

/// <summary>What every store does with property sources (<see cref="IProvenanceStore"/>); each store's test project derives a fixture.</summary>
/// <typeparam name="TStore">Creates and reopens the store under test.</typeparam>
public abstract class ProvenanceStoreConformanceTests<TStore> : StoreConformanceTests<TStore>
    where TStore : IStoreUnderTest, new()
{
    /// <summary>Property sources are written in the change set's transaction, replaced per property, and deleted with their resource.</summary>
    [Test]
    public async Task PropertySources_WrittenWithTheirResource_ReplacedAndDeletedWithIt()
    {
        var at = new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero);
        var rule = new PropertySource(0, "Name", PropertySourceKind.Rule, "HR / HR_Identity", "Owner.Name", 4, at);
        await ApplyAsync("(repository)", 0, async w =>
        {
            await w.InsertAsync("User", [Change("u1", ["one"])], None);
            await w.SetSourcesAsync("User", "u1", [rule, rule with { Property = "Phone", OrderId = 5 }], None);
        });
        var id = (await Store.FindResourceAsync("User", "u1", None))!.Id;
        await ApplyAsync("(repository)", 1, w => w.SetSourcesAsync("User", "u1", [new PropertySource(0, "Name", PropertySourceKind.Manual, "alice", "married", null, at.AddHours(1))], None).AsTask());
        var kept = await Reopen().GetSourcesAsync(id, None);
        var missing = Assert.ThrowsAsync<StoreConflictException>(() => ApplyAsync("(repository)", 2, w => w.SetSourcesAsync("User", "nobody", [rule], None).AsTask()));
        await ApplyAsync("(repository)", 2, w => w.DeleteAsync("User", ["u1"], None).AsTask());

        Assert.Multiple(async () =>
        {
            Assert.That(kept, Is.EqualTo(new[]
            {
                new PropertySource(id, "Name", PropertySourceKind.Manual, "alice", "married", null, at.AddHours(1)),
                new PropertySource(id, "Phone", PropertySourceKind.Rule, "HR / HR_Identity", "Owner.Name", 5, at),
            }));
            Assert.That(missing!.Message, Is.EqualTo("User 'nobody' does not exist; its sources cannot be recorded."));
            Assert.That(await Store.GetSourcesAsync(id, None), Is.Empty);
        });
    }

}
