"""The demo's area and recipient names that tests refer to, as funds/demo/data spells them."""

UTVECKLINGSARBETE = "Utvecklingsarbete"
KUNSKAPSBASERAD = "Kunskapsbaserad socialtjänst"
SAMSJUKLIGHET = "Samverkan för personer med samsjuklighet"
SUICIDPREVENTION = "Suicidprevention"
UNGDOMSMOTTAGNINGAR = "Ungdomsmottagningar"
BARN_OCH_UNGA = (
    "Utvecklat arbete för att främja psykisk hälsa, förebygga psykisk ohälsa och suicid "
    "bland barn och unga"
)

JARVA = "Järva stadsdelsförvaltning"
RINKEBY_KISTA = "Rinkeby-Kista stadsdelsförvaltning"
SPANGA_TENSTA = "Spånga-Tensta stadsdelsförvaltning"
UTBILDNING = "Utbildningsförvaltningen"
IDROTT = "Idrottsförvaltningen"
