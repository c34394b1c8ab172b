using IdentitySync.Categorization;
using IdentitySync.ChangeSets;
using IdentitySync.Model;
using IdentitySync.Provisioning;
using IdentitySync.Synchronization;

namespace IdentitySync.Jobs;

/// <summary>
/// The job every deployment runs: synchronize the connectors one after another, categorize, then verify,
/// generate and fulfil orders (what <c>identitysync jobs run</c> runs, and what a hosted job runs by default).
/// </summary>
public static class StandardJob
{
    /// <summary>Creates the standard job's tasks.</summary>
    /// <param name="model">The model: its connectors and resource types decide the tasks.</param>
    /// <param name="sync">The synchronization engine.</param>
    /// <param name="categorization">The categorization engine; needed when the model has resource types.</param>
    /// <param name="provisioning">The provisioning engine; needed when <paramref name="provision"/> and the model's resource types have rules.</param>
    /// <param name="connectors">The connectors to synchronize, in order; every connector of the model when <see langword="null"/> (deactivated ones are skipped by the engine).</param>
    /// <param name="mode">The synchronization mode.</param>
    /// <param name="provision">Whether to verify, generate and fulfil orders after categorizing.</param>
    /// <returns>The tasks, in order.</returns>
    public static IReadOnlyList<IJobTask> Create(
        IdentityModel model,
        SyncEngine sync,
        CategorizationEngine? categorization,
        ProvisioningEngine? provisioning,
        IEnumerable<string>? connectors = null,
        SyncMode mode = SyncMode.Complete,
        bool provision = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(sync);
        var tasks = new List<IJobTask>((connectors ?? model.Connectors.Select(static c => c.Name))
            .Select(c => new SynchronizeTask(sync, model.GetConnector(c).Name, new SyncRunOptions { Mode = mode })));
        if (model.ResourceTypes.Count > 0 && categorization is not null)
        {
            tasks.Add(new CategorizeTask(categorization));
        }

        if (provision && provisioning is not null && Provisions(model))
        {
            tasks.AddRange([new VerifyTask(provisioning), new GenerateOrdersTask(provisioning), new FulfillTask(provisioning)]);
        }

        return tasks;
    }

    /// <summary>Whether the model's resource types have rules that generate orders.</summary>
    /// <param name="model">The model.</param>
    /// <returns><see langword="true"/> when some resource type has a type, scalar, navigation or query rule.</returns>
    public static bool Provisions(IdentityModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.ResourceTypes.Any(static r => r.TypeRules.Count + r.ScalarRules.Count + r.NavigationRules.Count + r.QueryRules.Count > 0);
    }
}
