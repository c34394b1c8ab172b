using System.Reflection;
using System.Runtime.ExceptionServices;
using IdentitySync.Storage;

namespace IdentitySync.Tests.Testing;

/// <summary>
/// A store that passes every call to an inner store, after its subclass has written down the calls it watches and,
/// for some, answered instead (a store without a feed, a store that lost resources).
/// </summary>
/// <remarks>Not sealed: DispatchProxy derives the proxy type from its subclasses.</remarks>
public abstract class StoreProxy : DispatchProxy
{
    /// <summary>Gets the calls written down, in order (calls made side by side in the order they reached the store).</summary>
    public List<string> Reads { get; } = [];

    /// <summary>Gets the store every call goes to.</summary>
    protected IResourceStore Inner { get; private set; } = null!;

    /// <summary>Makes a proxy of <typeparamref name="TProxy"/> around a store.</summary>
    /// <typeparam name="TProxy">The proxy's type.</typeparam>
    /// <param name="inner">The store every call goes to.</param>
    /// <param name="configure">Sets the proxy's own options.</param>
    /// <returns>The proxy, as a store; cast it to <typeparamref name="TProxy"/> (through object) for its reads.</returns>
    protected static IResourceStore Around<TProxy>(IResourceStore inner, Action<TProxy>? configure = null)
        where TProxy : StoreProxy
    {
        var store = Create<IResourceStore, TProxy>();
        var proxy = (TProxy)(object)store;
        proxy.Inner = inner;
        configure?.Invoke(proxy);
        return store;
    }

    /// <summary>Writes down a call the subclass watches; returns the answer to give instead of the inner store's, or null to pass the call on.</summary>
    /// <param name="method">The store method called.</param>
    /// <param name="args">Its arguments.</param>
    /// <returns>An answer (a task or a stream; the caller consumes it once), or null.</returns>
    protected abstract object? Answer(string method, object?[] args);

    /// <summary>An answer that is a value task, for <see cref="Answer"/> (the proxy's caller consumes it once).</summary>
    /// <typeparam name="T">The task's result.</typeparam>
    /// <param name="task">The task.</param>
    /// <returns>The task, boxed.</returns>
    protected static object Answered<T>(ValueTask<T> task) => task;

    /// <inheritdoc />
    protected sealed override object? Invoke(MethodInfo? targetMethod, object?[]? args)
    {
        ArgumentNullException.ThrowIfNull(targetMethod);

        // The engines read side by side (a full categorization's owners, accounts and categorizations): the calls are
        // written down one at a time.
        object? answer;
        lock (Reads)
        {
            answer = Answer(targetMethod.Name, args ?? []);
        }

        if (answer is not null)
        {
            return answer;
        }

        try
        {
            return targetMethod.Invoke(Inner, args);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is { } inner)
        {
            ExceptionDispatchInfo.Throw(inner);
            throw;
        }
    }
}
