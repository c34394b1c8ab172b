using FluentValidation;

namespace IdentitySync.Configuration;

internal sealed class ResourceThresholdOptionsValidator : AbstractValidator<ResourceThresholdOptions>
{
    public ResourceThresholdOptionsValidator()
    {
        RuleFor(t => t.MaxInserted).MustBeCount();
        RuleFor(t => t.MaxUpdated).MustBeCount();
        RuleFor(t => t.MaxDeleted).MustBeCount();
        RuleFor(t => t.MaxInsertedPercent).MustBePercent();
        RuleFor(t => t.MaxUpdatedPercent).MustBePercent();
        RuleFor(t => t.MaxDeletedPercent).MustBePercent();
    }
}

internal sealed class LinkThresholdOptionsValidator : AbstractValidator<LinkThresholdOptions>
{
    public LinkThresholdOptionsValidator()
    {
        RuleFor(t => t.MaxInserted).MustBeCount();
        RuleFor(t => t.MaxDeleted).MustBeCount();
        RuleFor(t => t.MaxInsertedPercent).MustBePercent();
        RuleFor(t => t.MaxDeletedPercent).MustBePercent();
    }
}
