from . import social_area_import
