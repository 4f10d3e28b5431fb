"""Pure helpers with no models and no app imports: environment, Persian text, Jalali dates."""
