using BenchmarkDotNet.Running;
using IdentitySync.Benchmarks.Scenarios;

// "scenario" runs the end-to-end budget scenarios; anything else goes to BenchmarkDotNet's switcher.
if (args.Length > 0 && args[0] == "scenario")
{
    return await ScenarioRunner.RunAsync(args[1..]).ConfigureAwait(false);
}

// "ldap-export" times the LDAP connection's export against ldapsearch on a running directory.
if (args.Length > 0 && args[0] == "ldap-export")
{
    return await LdapExportScenario.RunAsync(args[1..]).ConfigureAwait(false);
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
return 0;
