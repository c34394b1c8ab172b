namespace IdentitySync.Rules;

/// <summary>What an expression reads: the values behind its property paths.</summary>
public interface IExpressionContext
{
    /// <summary>Gets the value at a path from a root, such as <c>Owner</c> then <c>Manager</c>, <c>EmployeeId</c>.</summary>
    /// <param name="root">The root: <c>Owner</c> or <c>Account</c>.</param>
    /// <param name="path">The property names after the root; all but the last are navigation properties.</param>
    /// <returns>The value; null when empty or when a navigation leads nowhere; an array for multi-valued properties or navigations.</returns>
    object? GetValue(string root, IReadOnlyList<string> path);
}
