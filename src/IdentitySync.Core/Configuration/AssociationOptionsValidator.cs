using FluentValidation;
using IdentitySync.Model;

namespace IdentitySync.Configuration;

internal sealed class AssociationOptionsValidator : AbstractValidator<AssociationOptions>
{
    public AssociationOptionsValidator()
    {
        RuleFor(a => a.Name).MustBeUniqueIdentifier(static index => index.Associations, "association");
        RuleFor(a => a.First).Custom(static (side, context) => CheckSide(side, context));
        RuleFor(a => a.Second).Custom(static (side, context) => CheckSide(side, context));

        RuleFor(a => a).Custom(static (association, context) =>
        {
            var index = ConfigurationIndex.From(context);
            if (association.First is null || association.Second is null
                || index.ResolveSide(association.First, out _) is not { } first
                || index.ResolveSide(association.Second, out _) is not { } second)
            {
                if (association.Cardinality is not null && ValidationRules.ParseEnum<AssociationCardinality>(association.Cardinality) is null)
                {
                    context.AddFailure("Cardinality", CardinalityError(association.Cardinality));
                }

                return;
            }

            if (ReferenceEquals(first.Navigation, second.Navigation))
            {
                context.AddFailure("Second", $"'{association.Second}' is the same navigation property as First; an association pairs a property with its inverse");
                return;
            }

            if (!string.Equals(first.Navigation.Target, second.EntityType.Name, StringComparison.OrdinalIgnoreCase))
            {
                context.AddFailure("First", $"'{association.First}' refers to '{first.Navigation.Target}', but the second side is declared by '{second.EntityType.Name}'; the two sides must refer to each other's entity type");
            }

            if (!string.Equals(second.Navigation.Target, first.EntityType.Name, StringComparison.OrdinalIgnoreCase))
            {
                context.AddFailure("Second", $"'{association.Second}' refers to '{second.Navigation.Target}', but the first side is declared by '{first.EntityType.Name}'; the two sides must refer to each other's entity type");
            }

            var expected = Expected(first.Navigation.IsMultiValued, second.Navigation.IsMultiValued);
            if (association.Cardinality is null)
            {
                return;
            }

            var cardinality = ValidationRules.ParseEnum<AssociationCardinality>(association.Cardinality);
            if (cardinality is null)
            {
                context.AddFailure("Cardinality", CardinalityError(association.Cardinality));
            }
            else if (cardinality != expected)
            {
                context.AddFailure(
                    "Cardinality",
                    $"'{cardinality}' does not match the sides ({association.First} is {Valued(first.Navigation)}, {association.Second} is {Valued(second.Navigation)}); expected '{expected}'");
            }
        });
    }

    internal static AssociationCardinality Expected(bool firstIsMultiValued, bool secondIsMultiValued) =>
        (firstIsMultiValued, secondIsMultiValued) switch
        {
            (false, false) => AssociationCardinality.OneToOne,
            (true, true) => AssociationCardinality.ManyToMany,
            _ => AssociationCardinality.OneToMany,
        };

    private static string CardinalityError(Model.AssociationCardinality? text) =>
        $"'{text}' is not a cardinality; allowed: {ValidationRules.Allowed<AssociationCardinality>()}, or leave it out to derive it from the sides";

    private static string Valued(NavigationPropertyOptions navigation) => navigation.IsMultiValued ? "multi-valued" : "mono-valued";

    private static void CheckSide(string? side, ValidationContext<AssociationOptions> context)
    {
        if (string.IsNullOrWhiteSpace(side))
        {
            context.AddFailure("required; name a navigation property as EntityType.NavigationProperty, for example Group.member");
        }
        else if (ConfigurationIndex.From(context).ResolveSide(side, out var error) is null)
        {
            context.AddFailure(error!);
        }
    }
}
