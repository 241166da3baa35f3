from django.contrib import admin

from directory.standard import TABLES

for _model in TABLES.values():
    admin.site.register(_model)
